#include "client/long_term_auth.hpp"

#include <algorithm>

#include "protocol/attributes/all.hpp"
#include "protocol/integrity.hpp"
#include "protocol/nonce_cookie.hpp"

namespace tern::client {

namespace attr = protocol::attr;
using protocol::AttributeType;

LongTermAuth::LongTermAuth(std::string username, std::string password, bool prefer_sha256)
    : username_(std::move(username)), password_(std::move(password)), prefer_sha256_(prefer_sha256) {}

LongTermAuth::Learned LongTermAuth::learn(const protocol::MessageView& challenge) {
    const auto realm = challenge.get<attr::Realm>();
    const auto nonce = challenge.get<attr::Nonce>();
    if (!realm || !nonce || nonce->value.empty()) return Learned::MissingRealmOrNonce;

    const auto features = protocol::parse_nonce_cookie(nonce->value);
    const bool feature_announced = features && features->password_algorithms();
    const auto raw_list = challenge.find(AttributeType::PasswordAlgorithms);
    const auto list = challenge.get<attr::PasswordAlgorithms>();

    auth::PasswordAlgorithm algorithm = auth::PasswordAlgorithm::Md5;
    bool negotiated = false;
    if (feature_announced) {
        // RFC 8489 §9.2.5: the cookie promises a list; without one (or with one we cannot use) an
        // attacker may have stripped it to force MD5, so the client does not retry.
        if (!raw_list || !list) return Learned::NoUsableAlgorithm;
        const bool md5 = list->contains(attr::PasswordAlgorithmId::Md5);
        const bool sha256 = list->contains(attr::PasswordAlgorithmId::Sha256);
        if (!md5 && !sha256) return Learned::NoUsableAlgorithm;
        algorithm = (sha256 && (prefer_sha256_ || !md5)) ? auth::PasswordAlgorithm::Sha256
                                                         : auth::PasswordAlgorithm::Md5;
        negotiated = true;
        offered_algorithms_.assign(raw_list->value.begin(), raw_list->value.end());
    } else {
        offered_algorithms_.clear();
    }

    const bool rederive = !ready_ || realm_ != realm->value || key_.algorithm != algorithm;
    realm_.assign(realm->value);
    nonce_.assign(nonce->value);
    negotiated_ = negotiated;
    if (rederive) key_ = auth::derive_long_term_key(algorithm, username_, realm_, password_);
    ready_ = true;
    return Learned::Ok;
}

void LongTermAuth::sign(protocol::MessageBuilder& builder) const noexcept {
    builder.add(attr::Username{username_});
    builder.add(attr::Realm{realm_});
    builder.add(attr::Nonce{nonce_});
    if (negotiated_) {
        const auto list = builder.reserve(static_cast<std::uint16_t>(AttributeType::PasswordAlgorithms),
                                          offered_algorithms_.size());
        if (!list.empty()) std::copy(offered_algorithms_.begin(), offered_algorithms_.end(), list.begin());
        builder.add(attr::PasswordAlgorithm{{static_cast<std::uint16_t>(key_.algorithm), {}}});
    }
    if (key_.algorithm == auth::PasswordAlgorithm::Sha256) builder.add_message_integrity_sha256(key_.bytes());
    else builder.add_message_integrity(key_.bytes());
}

bool LongTermAuth::verifies(const protocol::MessageView& answer) const noexcept {
    if (!ready_) return false;
    if (key_.algorithm == auth::PasswordAlgorithm::Sha256)
        return protocol::check_message_integrity_sha256(answer, key_.bytes()) == protocol::IntegrityCheck::Valid;
    return protocol::check_message_integrity(answer, key_.bytes()) == protocol::IntegrityCheck::Valid;
}

bool LongTermAuth::unsigned_answer(const protocol::MessageView& answer) noexcept {
    return !answer.message_integrity_offset() && !answer.message_integrity_sha256_offset();
}

}  // namespace tern::client
