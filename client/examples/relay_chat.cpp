// tern-relay-chat: two TURN clients exchange messages through a relay, each behind its own allocation
// (relay to relay: neither ever learns the other's own address). It shows the client library as a raw
// transport primitive: allocate, permit the other side, bind a channel, send and receive datagrams.
//
//   tern-relay-chat --server 127.0.0.1:3478 --user alice:secret [--transport tcp] [--messages 5]
//   tern-relay-chat --server 127.0.0.1:3478 --secret S            (TURN REST credentials, ids alice and bob)
//
// Exits 0 once every message arrived on both sides (and both allocations were deleted), 1 on an error
// or when --timeout seconds pass first, 2 on a usage error.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "client/turn_client.hpp"

namespace {

using tern::client::ClientError;
using tern::client::SendResult;
using tern::client::TurnClient;
using tern::protocol::TransportAddress;

struct Options {
    TransportAddress server;
    tern::client::ServerTransport transport = tern::client::ServerTransport::Udp;
    std::optional<std::pair<std::string, std::string>> user;  // name, password
    std::optional<std::string> secret;
    int messages = 5;
    int timeout_seconds = 10;
    bool use_channel = true;
};

constexpr std::string_view kUsage =
    "usage: tern-relay-chat --server IP:PORT (--user NAME:PASSWORD | --secret SECRET)\n"
    "                       [--transport udp|tcp] [--messages N] [--timeout SECONDS] [--no-channel]\n"
    "Two clients allocate on the server, permit each other's relayed address, bind a channel\n"
    "(unless --no-channel: Send/Data indications then) and exchange N messages each way.\n";

std::optional<int> to_int(std::string_view text) {
    int value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value < 1) return std::nullopt;
    return value;
}

// Returns nullopt (after printing why) on a usage error.
std::optional<Options> parse_options(int argc, char** argv) {
    Options o;
    bool have_server = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            std::fputs(kUsage.data(), stdout);
            std::exit(0);
        }
        if (arg == "--no-channel") {
            o.use_channel = false;
            continue;
        }
        if (i + 1 >= argc) {
            std::fprintf(stderr, "tern-relay-chat: %s needs a value\n%s", argv[i], kUsage.data());
            return std::nullopt;
        }
        const std::string_view value = argv[++i];
        if (arg == "--server") {
            const auto a = TransportAddress::parse(value);
            if (!a) return std::fprintf(stderr, "tern-relay-chat: bad --server %s\n", argv[i]), std::nullopt;
            o.server = *a;
            have_server = true;
        } else if (arg == "--user") {
            const auto colon = value.find(':');
            if (colon == std::string_view::npos || colon == 0)
                return std::fprintf(stderr, "tern-relay-chat: --user wants NAME:PASSWORD\n"), std::nullopt;
            o.user.emplace(std::string(value.substr(0, colon)), std::string(value.substr(colon + 1)));
        } else if (arg == "--secret") {
            o.secret = std::string(value);
        } else if (arg == "--transport") {
            if (value == "udp") o.transport = tern::client::ServerTransport::Udp;
            else if (value == "tcp") o.transport = tern::client::ServerTransport::Tcp;
            else return std::fprintf(stderr, "tern-relay-chat: --transport is udp or tcp\n"), std::nullopt;
        } else if (arg == "--messages" || arg == "--timeout") {
            const auto n = to_int(value);
            if (!n) return std::fprintf(stderr, "tern-relay-chat: %s wants a positive number\n", argv[i - 1]), std::nullopt;
            (arg == "--messages" ? o.messages : o.timeout_seconds) = *n;
        } else {
            std::fprintf(stderr, "tern-relay-chat: unknown option %s\n%s", argv[i - 1], kUsage.data());
            return std::nullopt;
        }
    }
    if (!have_server || o.user.has_value() == o.secret.has_value()) {
        std::fprintf(stderr, "tern-relay-chat: --server and one of --user or --secret are required\n%s", kUsage.data());
        return std::nullopt;
    }
    return o;
}

std::string error_text(const ClientError& e) {
    std::string text(tern::client::to_string(e.kind));
    if (e.code != 0) text += " " + std::to_string(e.code);
    if (!e.reason.empty()) text += " (" + std::string(e.reason) + ")";
    return text;
}

// One side of the chat: its client and what it has seen.
struct Side {
    std::string name;
    std::unique_ptr<TurnClient> client;
    std::optional<TransportAddress> relayed;
    bool ready = false;  // the permission (or channel) to the other side is installed
    int received = 0;
    bool closed = false;
};

class Chat {
public:
    Chat(boost::asio::io_context& io, const Options& options) : io_(io), options_(options), deadline_(io) {
        sides_[0].name = "alice";
        sides_[1].name = "bob";
        for (std::size_t i = 0; i < 2; ++i) sides_[i].client = make_client(i);
    }

    void start() {
        deadline_.expires_after(std::chrono::seconds(options_.timeout_seconds));
        deadline_.async_wait([this](const boost::system::error_code& ec) {
            if (!ec) finish(false, "timed out");
        });
        for (auto& s : sides_) s.client->start();
    }

    bool succeeded() const noexcept { return succeeded_; }

private:
    std::unique_ptr<TurnClient> make_client(std::size_t index) {
        tern::client::TurnClientConfig config;
        config.server = options_.server;
        config.transport = options_.transport;
        if (options_.user) {
            config.credentials = tern::client::Credentials::long_term(options_.user->first, options_.user->second);
        } else {
            const auto unix_now = std::chrono::duration_cast<std::chrono::seconds>(
                                      std::chrono::system_clock::now().time_since_epoch())
                                      .count();
            config.credentials =
                tern::client::Credentials::from_shared_secret(*options_.secret, sides_[index].name, unix_now);
        }
        config.options.software = "tern-relay-chat";

        TurnClient::Handlers h;
        h.on_allocated = [this, index](const tern::client::AllocationInfo& a) {
            std::printf("%s: allocated relay %s (server sees %s, lifetime %llds)\n", sides_[index].name.c_str(),
                        a.relayed.to_string().c_str(), a.mapped.to_string().c_str(),
                        static_cast<long long>(a.lifetime.count()));
            sides_[index].relayed = a.relayed;
            if (sides_[0].relayed && sides_[1].relayed) permit_each_other();
        };
        h.on_permission = [this, index](const tern::protocol::IpAddress& peer, const ClientError* error) {
            if (error) return finish(false, sides_[index].name + ": permission refused: " + error_text(*error));
            std::printf("%s: permission for %s installed\n", sides_[index].name.c_str(), peer.to_string().c_str());
            side_ready(index);
        };
        h.on_channel = [this, index](const TransportAddress& peer, std::uint16_t channel, const ClientError* error) {
            if (error) return finish(false, sides_[index].name + ": channel refused: " + error_text(*error));
            std::printf("%s: channel 0x%04X bound to %s\n", sides_[index].name.c_str(), channel,
                        peer.to_string().c_str());
            side_ready(index);
        };
        h.on_data = [this, index](const TransportAddress& from, std::span<const std::uint8_t> payload) {
            Side& me = sides_[index];
            const std::string text(payload.begin(), payload.end());
            std::printf("%s: received from %s: %s\n", me.name.c_str(), from.to_string().c_str(), text.c_str());
            const Side& other = sides_[1 - index];
            if (from != other.relayed || text.rfind(other.name + " #", 0) != 0) return;  // not the chat
            if (++me.received == options_.messages && sides_[1 - index].received == options_.messages) close_both();
        };
        h.on_error = [this, index](const ClientError& e) { finish(false, sides_[index].name + ": " + error_text(e)); };
        h.on_closed = [this, index] {
            sides_[index].closed = true;
            std::printf("%s: allocation deleted\n", sides_[index].name.c_str());
            if (sides_[0].closed && sides_[1].closed) finish(true, "all messages arrived");
        };
        return std::make_unique<TurnClient>(io_, config, std::move(h));
    }

    void permit_each_other() {
        for (std::size_t i = 0; i < 2; ++i) {
            const TransportAddress& other = *sides_[1 - i].relayed;
            const bool asked = options_.use_channel ? sides_[i].client->bind_channel(other).has_value()
                                                    : sides_[i].client->create_permission(other.ip);
            if (!asked) return finish(false, sides_[i].name + ": cannot ask for a permission");
        }
    }

    // Once both relays accept the other side, each client sends its messages.
    void side_ready(std::size_t index) {
        sides_[index].ready = true;
        if (!sides_[0].ready || !sides_[1].ready) return;
        for (std::size_t i = 0; i < 2; ++i) {
            for (int n = 0; n < options_.messages; ++n) {
                const std::string text = sides_[i].name + " #" + std::to_string(n) + " says hello";
                const auto bytes = std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
                const SendResult r = sides_[i].client->send(*sides_[1 - i].relayed, bytes);
                if (r != SendResult::ViaChannel && r != SendResult::ViaIndication)
                    return finish(false, sides_[i].name + ": send failed");
                if (n == 0)
                    std::printf("%s: sending %d messages via %s\n", sides_[i].name.c_str(), options_.messages,
                                r == SendResult::ViaChannel ? "ChannelData" : "Send indications");
            }
        }
    }

    void close_both() {
        for (auto& s : sides_) s.client->close();
    }

    void finish(bool ok, const std::string& why) {
        if (finished_) return;
        finished_ = true;
        succeeded_ = ok;
        std::printf("%s: %s (alice received %d/%d, bob received %d/%d)\n", ok ? "done" : "FAILED", why.c_str(),
                    sides_[0].received, options_.messages, sides_[1].received, options_.messages);
        std::fflush(stdout);
        deadline_.cancel();
        if (!ok) io_.stop();  // on success the closed clients leave nothing pending: run() returns
    }

    boost::asio::io_context& io_;
    const Options& options_;
    boost::asio::steady_timer deadline_;
    std::array<Side, 2> sides_;
    bool finished_ = false;
    bool succeeded_ = false;
};

}  // namespace

int main(int argc, char** argv) {
    const auto options = parse_options(argc, argv);
    if (!options) return 2;
    boost::asio::io_context io;
    Chat chat(io, *options);
    chat.start();
    io.run();
    return chat.succeeded() ? 0 : 1;
}
