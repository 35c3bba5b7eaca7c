#include "server/core/authenticator.hpp"

#include "protocol/attributes/all.hpp"
#include "protocol/integrity.hpp"

namespace tern::server {

using protocol::ErrorCode;
namespace attr = protocol::attr;

std::string_view to_string(AuthFailureReason r) noexcept {
    switch (r) {
        case AuthFailureReason::NoCredentials: return "no credentials (challenge)";
        case AuthFailureReason::MissingAttributes: return "missing USERNAME, REALM or NONCE";
        case AuthFailureReason::StaleNonce: return "stale nonce";
        case AuthFailureReason::ForgedNonce: return "nonce not issued by this server";
        case AuthFailureReason::BadPasswordAlgorithm: return "password algorithm mismatch";
        case AuthFailureReason::UnknownUser: return "unknown user";
        case AuthFailureReason::Expired: return "credential expired";
        case AuthFailureReason::BadIntegrity: return "bad message integrity";
    }
    return "unknown";
}

namespace {

// RFC 8489 §9.2.4: with our nonce cookie, a client that names algorithms must echo exactly the list
// we offered (MD5 then SHA-256, as in every challenge) and pick one of them.
std::optional<auth::PasswordAlgorithm> negotiated_algorithm(const protocol::MessageView& m) {
    const bool has_list = m.has(protocol::AttributeType::PasswordAlgorithms);
    const bool has_choice = m.has(protocol::AttributeType::PasswordAlgorithm);
    if (!has_list && !has_choice) return auth::PasswordAlgorithm::Md5;
    const auto list = m.get<attr::PasswordAlgorithms>();
    const auto choice = m.get<attr::PasswordAlgorithm>();
    if (!list || !choice || list->count != 2) return std::nullopt;
    if (list->entries[0].algorithm != static_cast<std::uint16_t>(attr::PasswordAlgorithmId::Md5) ||
        list->entries[1].algorithm != static_cast<std::uint16_t>(attr::PasswordAlgorithmId::Sha256) ||
        !list->entries[0].parameters.empty() || !list->entries[1].parameters.empty())
        return std::nullopt;
    if (!choice->entry.parameters.empty()) return std::nullopt;
    switch (choice->entry.algorithm) {
        case static_cast<std::uint16_t>(attr::PasswordAlgorithmId::Md5): return auth::PasswordAlgorithm::Md5;
        case static_cast<std::uint16_t>(attr::PasswordAlgorithmId::Sha256): return auth::PasswordAlgorithm::Sha256;
        default: return std::nullopt;
    }
}

}  // namespace

std::variant<AuthOk, AuthFailure> Authenticator::authenticate(const protocol::MessageView& m,
                                                              const protocol::TransportAddress& client,
                                                              Instant now, bool check_expiry) const {
    const bool sha256 = m.message_integrity_sha256_offset().has_value();
    if (!sha256 && !m.message_integrity_offset())
        return AuthFailure{AuthFailureReason::NoCredentials, ErrorCode::Unauthorized, {}};

    const auto username_attr = m.get<attr::Username>();
    const auto userhash_attr = m.get<attr::Userhash>();
    const auto realm = m.get<attr::Realm>();
    const auto nonce = m.get<attr::Nonce>();
    if ((!username_attr && !userhash_attr) || !realm || !nonce)
        return AuthFailure{AuthFailureReason::MissingAttributes, ErrorCode::BadRequest, {}};

    std::string username;
    if (username_attr) {
        username.assign(username_attr->value);
    } else if (auto found = credentials_.username_for_userhash(userhash_attr->value)) {
        username = std::move(*found);
    } else {
        return AuthFailure{AuthFailureReason::UnknownUser, ErrorCode::Unauthorized, "(userhash)"};
    }

    switch (nonces_.check(nonce->value, client, now.unix_seconds)) {
        case auth::NonceCheck::Valid: break;
        case auth::NonceCheck::Stale: return AuthFailure{AuthFailureReason::StaleNonce, ErrorCode::StaleNonce, username};
        case auth::NonceCheck::Forged:
            return AuthFailure{AuthFailureReason::ForgedNonce, ErrorCode::StaleNonce, username};
    }

    const auto algorithm = negotiated_algorithm(m);
    if (!algorithm) return AuthFailure{AuthFailureReason::BadPasswordAlgorithm, ErrorCode::BadRequest, username};

    // A realm other than ours cannot produce a matching key; refusing it early keeps the log honest.
    if (realm->value != credentials_.realm())
        return AuthFailure{AuthFailureReason::UnknownUser, ErrorCode::Unauthorized, username};

    const auto lookup =
        credentials_.lookup(username, check_expiry ? std::optional(now.unix_seconds) : std::nullopt);
    if (lookup.candidates.empty()) {
        const auto reason = lookup.failure == auth::LookupFailure::Expired ? AuthFailureReason::Expired
                                                                          : AuthFailureReason::UnknownUser;
        return AuthFailure{reason, ErrorCode::Unauthorized, username};
    }

    for (const auto& candidate : lookup.candidates) {
        const auto key = auth::derive_long_term_key(*algorithm, username, credentials_.realm(), candidate.password);
        const auto check = sha256 ? protocol::check_message_integrity_sha256(m, key.bytes())
                                  : protocol::check_message_integrity(m, key.bytes());
        if (check == protocol::IntegrityCheck::Valid)
            return AuthOk{std::move(username), key, sha256, candidate.expires_unix};
    }
    return AuthFailure{AuthFailureReason::BadIntegrity, ErrorCode::Unauthorized, username};
}

}  // namespace tern::server
