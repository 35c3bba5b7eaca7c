#pragma once
// The client side of the long-term credential mechanism (RFC 8489 §9.2): learning REALM, NONCE and
// PASSWORD-ALGORITHMS from a 401 or 438 answer, signing requests with the long-term key, and checking
// the integrity of answers with the same key.
//
// Algorithm choice (§9.2.5): when the nonce carries the RFC 8489 cookie with the "password algorithms"
// feature and the answer lists PASSWORD-ALGORITHMS, requests echo the list verbatim and name the chosen
// algorithm in PASSWORD-ALGORITHM: SHA-256 (signed with MESSAGE-INTEGRITY-SHA256) when listed and
// preferred, else MD5 (MESSAGE-INTEGRITY). A cookie announcing the feature without a list is a
// downgrade attempt and is refused. Without the cookie the RFC 5389 exchange is used: MD5, no
// algorithm attributes.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "auth/long_term_key.hpp"
#include "protocol/message_builder.hpp"
#include "protocol/message_view.hpp"

namespace tern::client {

class LongTermAuth {
public:
    LongTermAuth(std::string username, std::string password, bool prefer_sha256);

    enum class Learned : std::uint8_t {
        Ok,
        MissingRealmOrNonce,
        NoUsableAlgorithm,  // a list without MD5 or SHA-256, or the cookie without a list
    };
    // Takes REALM, NONCE and PASSWORD-ALGORITHMS from a challenge (401) or stale-nonce (438) answer and
    // derives the key when the realm or algorithm changed. Allocates (strings, the key): not on the data path.
    Learned learn(const protocol::MessageView& challenge);

    // True once a challenge has been learned: requests can be signed.
    bool ready() const noexcept { return ready_; }

    // USERNAME, REALM, NONCE, the algorithm attributes when negotiated, then the integrity attribute.
    // FINGERPRINT, if wanted, goes after this.
    void sign(protocol::MessageBuilder& builder) const noexcept;

    // The answer carries the integrity attribute requests are signed with, and it verifies.
    bool verifies(const protocol::MessageView& answer) const noexcept;
    // The answer carries no integrity attribute at all.
    static bool unsigned_answer(const protocol::MessageView& answer) noexcept;

    auth::PasswordAlgorithm algorithm() const noexcept { return key_.algorithm; }
    bool negotiated() const noexcept { return negotiated_; }  // algorithm attributes are sent
    const std::string& realm() const noexcept { return realm_; }
    const std::string& nonce() const noexcept { return nonce_; }
    const std::string& username() const noexcept { return username_; }

private:
    std::string username_;
    std::string password_;
    bool prefer_sha256_;

    bool ready_ = false;
    bool negotiated_ = false;
    std::string realm_;
    std::string nonce_;
    std::vector<std::uint8_t> offered_algorithms_;  // PASSWORD-ALGORITHMS value, echoed verbatim
    auth::LongTermKey key_;
};

}  // namespace tern::client
