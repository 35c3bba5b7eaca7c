#pragma once
// The io_uring backend (--io uring) of the socket layer around the sans-I/O core, for one shard.
//
// Every UDP socket (listeners and relays) has one multishot IORING_OP_RECVMSG armed, taking buffers
// from one shared ring of provided buffers. The kernel writes io_uring_recvmsg_out, the source address
// and the control data in front of each datagram inside the buffer: that prefix is at least
// protocol::kRelayHeadroom bytes, and the kernel never fills the last kRelayTailroom bytes, so a peer's
// datagram is framed for the client in place. Sends are IORING_OP_SENDMSG entries naming those bytes
// where they lie: a buffer goes back to the kernel only when the datagram it holds has been handled
// and every send that names it has completed (a reference count per buffer). Bytes from anywhere else
// (replies, TCP frames) are copied into the send's own small buffer first. Consecutive sends of one
// size from one socket to one destination, prepared in the same turn, become one sendmsg with
// UDP_SEGMENT (udp_segmentation.hpp) when the kernel has it.
//
// Completions wake the shard's Asio loop through an eventfd. With deferred task running (Linux 6.1,
// required: older kernels get the epoll backend), a datagram's arrival only queues the work of
// receiving it and signals the eventfd; the loop turn does that work itself (io_uring_get_events),
// and the thread is never interrupted in epoll_wait by a signal (one epoll_wait per wake-up, not
// two). A loop turn drains the completions, hands them to the core, then submits everything prepared
// meanwhile (sends, re-armed receives) with one io_uring_submit; it goes round again while
// completions keep coming (sends done inline by that submit, datagrams that arrived meanwhile), with
// eventfd notifications off, up to a bound that keeps TCP and timers served. After a turn that did
// work, the loop polls the ring's state for the --idle-poll-us window before it sleeps again
// (idle_poll.hpp), notifications still off. TCP stays on Asio (TcpClients), as do the timers.

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <array>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "server/daemon/relay_shell.hpp"
#include "server/daemon/tcp_clients.hpp"
#include "server/daemon/udp_segmentation.hpp"
#include "server/daemon/udp_sockets.hpp"
#include "server/daemon/uring_udp.hpp"

namespace tern::server {

class UringShell final : public RelayShell {
public:
    // The shell, or why io_uring cannot be used here (the daemon then falls back to AsioShell).
    static std::variant<std::unique_ptr<UringShell>, std::string> create(boost::asio::io_context& io,
                                                                        const Logger& log);
    ~UringShell() override;
    UringShell(const UringShell&) = delete;
    UringShell& operator=(const UringShell&) = delete;

    // RelayShell
    std::optional<std::string> listen(const std::vector<protocol::TransportAddress>& addresses, bool udp, bool tcp,
                                      bool reuse_port) override;
    void attach(TurnServer& core, std::uint16_t max_channel_number) override;
    void close() override;
    IoBackend backend() const noexcept override { return IoBackend::Uring; }
    void start_on_loop_thread() override;

    // ServerIo
    void send_to_client(const FiveTuple& client, std::span<const std::uint8_t> bytes) override;
    std::optional<RelayId> open_relay(const protocol::TransportAddress& local) override;
    void close_relay(RelayId relay) override;
    void send_to_peer(RelayId relay, const protocol::TransportAddress& peer, std::span<const std::uint8_t> bytes,
                      bool dont_fragment) override;

private:
    struct Socket {
        UniqueFd fd;
        protocol::TransportAddress local;
        std::uint32_t generation = 0;  // tells a reused slot's completions from its previous socket's
        bool open = false;
        bool listener = false;
        bool wildcard = false;   // listener bound to 0.0.0.0 or ::: replies pick their source address
        bool receiving = false;  // a multishot receive is armed (submitted or queued)
        bool dont_fragment = false;
        std::uint8_t failed_arms = 0;  // receives that ended in an error in a row
        std::uint32_t index = 0;       // its place in sockets_
    };
    struct SocketRef {
        std::uint32_t index;
        std::uint32_t generation;
    };
    // Room for a reply, or for a run of datagrams from a TCP client (8 of 100 bytes, 3 of 1200).
    static constexpr std::size_t kSendCopySize = 4096;
    struct SendOp {
        msghdr msg{};
        OutgoingDatagram datagram;  // the destination, the first datagram, the source address
        SegmentRun run;             // every datagram of the send: more than one is a UDP GSO run
        // Provided buffers the datagrams lie in, one reference each; none when the bytes are in `copy`.
        std::array<std::uint16_t, kMaxSegments> buffers;
        std::uint8_t held = 0;
        std::size_t copied = 0;  // bytes of `copy` in use
        // The sending socket, to send the datagrams one by one if the kernel refuses the run.
        std::uint32_t socket = 0;
        std::uint32_t generation = 0;
        std::array<std::uint8_t, kSendCopySize> copy;
    };
    // The send that later datagrams to the same place may still join: prepared, not yet submitted.
    struct OpenRun {
        std::uint32_t op;
        std::uint64_t submissions;  // the ring's count when it opened; a submit since closes the run
    };

    UringShell(boost::asio::io_context& io, const Logger& log, std::unique_ptr<UringRing> ring, UniqueFd wakeup);

    // Sockets
    std::uint32_t add_socket(UniqueFd fd, const protocol::TransportAddress& local, bool listener);
    Socket* live(std::uint32_t index, std::uint32_t generation) noexcept;
    Socket* listener_for(const protocol::TransportAddress& server_side) noexcept;
    void close_socket(std::uint32_t index);

    // Receiving
    void arm_receives();
    void on_received(const io_uring_cqe& cqe);
    void deliver(std::uint32_t index, std::span<std::uint8_t> buffer, unsigned filled);

    // Sending
    void send(const Socket& socket, const protocol::TransportAddress& to, const protocol::IpAddress* source,
              std::span<const std::uint8_t> bytes);
    bool join_run(const Socket& socket, const protocol::TransportAddress& to, const protocol::IpAddress* source,
                  std::span<const std::uint8_t> bytes, std::optional<std::uint16_t> buffer);
    void on_sent(const io_uring_cqe& cqe);
    void resend_refused_run(const SendOp& op, int error);

    // The loop
    void wait_for_completions();
    void run_turn();
    void post_turn();
    void request_flush();
    void flush();

    boost::asio::io_context& io_;
    std::unique_ptr<UringRing> ring_;
    boost::asio::posix::stream_descriptor wakeup_;  // a duplicate of the ring's eventfd
    TurnServer* core_ = nullptr;
    TcpClients tcp_;

    std::deque<Socket> sockets_;  // a deque: a Socket stays put while the core opens more
    std::vector<std::uint32_t> free_sockets_;
    std::vector<std::uint32_t> listeners_;
    std::vector<SocketRef> to_arm_;  // receives to (re-)arm at the next flush
    msghdr listener_receive_{};      // what multishot receives ask for: name and control sizes
    msghdr relay_receive_{};

    std::vector<SendOp> sends_;  // fixed size: the kernel holds pointers into it
    std::vector<std::uint32_t> free_sends_;
    std::optional<OpenRun> run_;

    Instant turn_now_ = Instant::now();  // when the batch of completions being handled was taken
    bool in_turn_ = false;
    bool flush_posted_ = false;
    bool turn_posted_ = false;
    // Memory for the loop's own handlers, re-issued on every burst (handler_slot.hpp). Shared with
    // each handler, since one still queued when the io_context is destroyed outlives this shell.
    std::shared_ptr<HandlerSlot> wakeup_slot_ = std::make_shared<HandlerSlot>();
    std::shared_ptr<HandlerSlot> flush_slot_ = std::make_shared<HandlerSlot>();
    std::shared_ptr<HandlerSlot> turn_slot_ = std::make_shared<HandlerSlot>();
    bool warned_truncation_ = false;
};

}  // namespace tern::server
