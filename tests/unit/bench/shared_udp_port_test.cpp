// The multiplexed storm socket on real loopback sockets: each client speaks from its own 127.100.x.y
// address through one socket, and what a server sends back to an address reaches that client only.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include "bench/tern_bench/shared_udp_port.hpp"

namespace tern::bench {
namespace {

struct Recorder final : SharedPortClient {
    std::vector<std::string> received;
    void on_shared_datagram(std::span<std::uint8_t> bytes, TimePoint) override {
        received.emplace_back(bytes.begin(), bytes.end());
    }
};

std::span<const std::uint8_t> bytes_of(const std::string& s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

TEST(SharedUdpPort, ClientAddressesCountUpFrom127_100_0_1) {
    EXPECT_EQ(SharedUdpPort::client_address(0).to_string(), "127.100.0.1");
    EXPECT_EQ(SharedUdpPort::client_address(254).to_string(), "127.100.0.255");
    EXPECT_EQ(SharedUdpPort::client_address(65535).to_string(), "127.101.0.0");
}

TEST(SharedUdpPort, EachClientSendsFromAndHearsAtItsOwnAddress) {
    // A server on loopback that answers every datagram to where it came from, with the source prepended.
    const int server = ::socket(AF_INET, SOCK_DGRAM, 0);
    ASSERT_GE(server, 0);
    sockaddr_in at{};
    at.sin_family = AF_INET;
    at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(server, reinterpret_cast<sockaddr*>(&at), sizeof at), 0);
    socklen_t length = sizeof at;
    ASSERT_EQ(::getsockname(server, reinterpret_cast<sockaddr*>(&at), &length), 0);

    EpollLoop loop;
    SharedUdpPort port(loop, {protocol::IpAddress::v4({127, 0, 0, 1}), ntohs(at.sin_port)});
    Recorder first, second;
    const auto a = SharedUdpPort::client_address(7);
    const auto b = SharedUdpPort::client_address(300);
    port.attach(a, first);
    port.attach(b, second);
    port.send(a, bytes_of("one"));
    port.send(b, bytes_of("two"));
    port.send(a, bytes_of("three"));
    EXPECT_EQ(port.flush(), 0u);

    for (int i = 0; i < 3; ++i) {
        char buffer[256];
        sockaddr_in from{};
        socklen_t from_length = sizeof from;
        const ssize_t n = ::recvfrom(server, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&from), &from_length);
        ASSERT_GT(n, 0);
        char source[INET_ADDRSTRLEN];
        ::inet_ntop(AF_INET, &from.sin_addr, source, sizeof source);
        const std::string reply = std::string(source) + " " + std::string(buffer, static_cast<std::size_t>(n));
        ::sendto(server, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from), from_length);
    }
    const auto deadline = Clock::now() + std::chrono::seconds(5);
    while (first.received.size() + second.received.size() < 3 && Clock::now() < deadline)
        loop.poll(std::chrono::milliseconds(50));
    EXPECT_EQ(first.received, (std::vector<std::string>{"127.100.0.8 one", "127.100.0.8 three"}));
    EXPECT_EQ(second.received, (std::vector<std::string>{"127.100.1.45 two"}));

    port.detach(a);  // answers to a detached address go nowhere
    ::close(server);
}

}  // namespace
}  // namespace tern::bench
