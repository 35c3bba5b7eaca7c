// tern-bare-forwarder: the baseline for relay benchmarks. It does the socket work of one TURN relay
// hop with no protocol at all: datagrams from the client socket go out of the relay socket to a fixed
// peer, and datagrams from the peer go back to the last client seen, each batched with recvmmsg and
// sendmmsg on one thread. A relay that matches it per core has no protocol overhead left to cut.
//
// usage: tern-bare-forwarder --listen IP:PORT --relay IP:PORT --peer IP:PORT [--seconds N]

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace {

constexpr int kBatch = 64;
constexpr std::size_t kMaxDatagram = 2048;

struct Endpoint {
    sockaddr_storage address{};
    socklen_t length = 0;
};

std::optional<Endpoint> parse_endpoint(std::string_view text) {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    std::string host(text.substr(0, colon));
    const int port = std::atoi(std::string(text.substr(colon + 1)).c_str());
    if (!host.empty() && host.front() == '[') host = host.substr(1, host.size() - 2);
    Endpoint e;
    sockaddr_in v4{};
    sockaddr_in6 v6{};
    if (::inet_pton(AF_INET, host.c_str(), &v4.sin_addr) == 1) {
        v4.sin_family = AF_INET;
        v4.sin_port = htons(static_cast<std::uint16_t>(port));
        std::memcpy(&e.address, &v4, sizeof v4);
        e.length = sizeof v4;
        return e;
    }
    if (::inet_pton(AF_INET6, host.c_str(), &v6.sin6_addr) == 1) {
        v6.sin6_family = AF_INET6;
        v6.sin6_port = htons(static_cast<std::uint16_t>(port));
        std::memcpy(&e.address, &v6, sizeof v6);
        e.length = sizeof v6;
        return e;
    }
    return std::nullopt;
}

int bound_socket(const Endpoint& local) {
    const int fd = ::socket(local.address.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    const int size = 4 * 1024 * 1024;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&local.address), local.length) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// One direction's batch: receive up to kBatch datagrams on `from`, send them all on `to`.
struct Batch {
    std::array<std::array<char, kMaxDatagram>, kBatch> payload{};
    std::array<iovec, kBatch> iov{};
    std::array<sockaddr_storage, kBatch> source{};
    std::array<mmsghdr, kBatch> messages{};

    int receive(int fd) {
        for (int i = 0; i < kBatch; ++i) {
            iov[i] = {payload[i].data(), payload[i].size()};
            messages[i] = {};
            messages[i].msg_hdr.msg_iov = &iov[i];
            messages[i].msg_hdr.msg_iovlen = 1;
            messages[i].msg_hdr.msg_name = &source[i];
            messages[i].msg_hdr.msg_namelen = sizeof source[i];
        }
        return ::recvmmsg(fd, messages.data(), kBatch, MSG_DONTWAIT, nullptr);
    }

    void send(int fd, int count, const Endpoint& destination) {
        for (int i = 0; i < count; ++i) {
            iov[i].iov_len = messages[i].msg_len;
            messages[i].msg_hdr.msg_name = const_cast<sockaddr_storage*>(&destination.address);
            messages[i].msg_hdr.msg_namelen = destination.length;
        }
        for (int sent = 0; sent < count;) {
            const int n = ::sendmmsg(fd, messages.data() + sent, static_cast<unsigned>(count - sent), 0);
            if (n <= 0) return;  // a full socket buffer drops the rest, as a relay would
            sent += n;
        }
    }
};

}  // namespace

int main(int argc, char** argv) {
    std::optional<Endpoint> listen, relay, peer;
    int seconds = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string_view key = argv[i];
        if (key == "--listen") listen = parse_endpoint(argv[i + 1]);
        else if (key == "--relay") relay = parse_endpoint(argv[i + 1]);
        else if (key == "--peer") peer = parse_endpoint(argv[i + 1]);
        else if (key == "--seconds") seconds = std::atoi(argv[i + 1]);
    }
    if (!listen || !relay || !peer) {
        std::fprintf(stderr, "usage: %s --listen IP:PORT --relay IP:PORT --peer IP:PORT [--seconds N]\n", argv[0]);
        return 2;
    }
    const int client_fd = bound_socket(*listen);
    const int relay_fd = bound_socket(*relay);
    if (client_fd < 0 || relay_fd < 0) {
        std::perror("bind");
        return 1;
    }
    std::printf("forwarding %s <-> relay -> peer\n", argv[2]);
    std::fflush(stdout);

    static Batch batch;  // large: keep it off the stack
    Endpoint client{};
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    pollfd fds[2] = {{client_fd, POLLIN, 0}, {relay_fd, POLLIN, 0}};
    while (seconds == 0 || std::chrono::steady_clock::now() < deadline) {
        if (::poll(fds, 2, 200) <= 0) continue;
        if (fds[0].revents & POLLIN) {
            const int n = batch.receive(client_fd);
            if (n > 0) {
                std::memcpy(&client.address, &batch.source[n - 1], sizeof client.address);
                client.length = batch.messages[n - 1].msg_hdr.msg_namelen;
                batch.send(relay_fd, n, *peer);
            }
        }
        if ((fds[1].revents & POLLIN) && client.length != 0) {
            const int n = batch.receive(relay_fd);
            if (n > 0) batch.send(client_fd, n, client);
        }
    }
    ::close(client_fd);
    ::close(relay_fd);
    return 0;
}
