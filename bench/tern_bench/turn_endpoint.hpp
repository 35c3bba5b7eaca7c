#pragma once
// One TURN client of the load: a client::TurnClientCore on its own UDP socket or TCP connection, in a
// worker's epoll loop. The core does everything but the data path: the Allocate with its 401/438
// exchange, the permission or channel to the peer, and every refresh while the load runs. Probes skip
// the core on the way out: once the core reports the channel bound (or the permission installed), they
// are framed in place in the worker's send slots, as ChannelData or Send indications, and sent in
// batches. Everything that arrives goes through the core, which hands Data events back here.

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "bench/tern_bench/endpoint_context.hpp"
#include "bench/tern_bench/probe_path.hpp"
#include "bench/tern_bench/shared_udp_port.hpp"
#include "bench/tern_bench/tcp_stream.hpp"
#include "client/turn_client_core.hpp"

namespace tern::bench {

class TurnEndpoint;

// What an endpoint reports to the driver that owns it. Called from inside the worker's loop.
class EndpointListener {
public:
    virtual void on_allocated(TurnEndpoint& endpoint, TimePoint now) = 0;
    virtual void on_peer_ready(TurnEndpoint& endpoint, TimePoint now) = 0;  // channel bound / permission installed
    // Setup refused or timed out, the allocation lost, or the connection broken: the endpoint is finished.
    virtual void on_failed(TurnEndpoint& endpoint, const client::ClientError& error, TimePoint now) = 0;
    virtual void on_closed(TurnEndpoint& endpoint, TimePoint now) = 0;
    // A payload from the peer; writable in place (it lives in the worker's receive buffers).
    virtual void on_payload(TurnEndpoint& endpoint, std::span<std::uint8_t> payload, TimePoint now) = 0;

protected:
    ~EndpointListener() = default;
};

class TurnEndpoint final : public client::ClientIo,
                           public Pollable,
                           public PendingWriter,
                           public ProbePath,
                           public SharedPortClient {
public:
    enum class Stage : std::uint8_t { Idle, Connecting, Allocating, Allocated, OpeningPath, Ready, Closing, Closed, Failed };

    // `tag` is the driver's: which flow (and role) this endpoint serves.
    // `socket_buffer`: SO_RCVBUF/SO_SNDBUF of a UDP endpoint's socket (0 keeps the system's default, as
    // a storm does: a handful of datagrams per socket need no more, and each setsockopt is a syscall).
    TurnEndpoint(EndpointContext& context, EndpointListener& listener, client::TurnClientConfig config,
                 protocol::IpAddress local_ip, std::uint32_t tag, int socket_buffer = 256 * 1024);
    ~TurnEndpoint() override;
    TurnEndpoint(const TurnEndpoint&) = delete;
    TurnEndpoint& operator=(const TurnEndpoint&) = delete;

    // Before start(): speak through `port` from local_ip (the endpoint's own client address) instead of
    // a socket of its own. Control traffic only (a storm's clients); UDP.
    void use_shared_port(SharedUdpPort& port) noexcept { shared_ = &port; }

    // Opens the socket and starts allocating (over TCP once connected). False, with `error`, when the
    // socket cannot be opened.
    bool start(TimePoint now, std::string& error);
    // Once allocated: a channel to `peer` (use_channel) or a permission for its IP; the data path
    // opens when the server confirms it.
    bool open_path(const protocol::TransportAddress& peer, bool use_channel, TimePoint now);
    // Deletes the allocation (Refresh with LIFETIME 0).
    void close(TimePoint now);

    // Timers: when next_timer() is due, call run_timer().
    std::optional<TimePoint> next_timer() const noexcept { return next_timer_; }
    void run_timer(TimePoint now);

    // ProbePath: probes to the peer given to open_path().
    std::span<std::uint8_t> payload_area() override;
    bool send_payload(std::size_t size) override;

    Stage stage() const noexcept { return stage_; }
    bool finished() const noexcept { return stage_ == Stage::Closed || stage_ == Stage::Failed; }
    std::uint32_t tag() const noexcept { return tag_; }
    const client::AllocationInfo& allocation() const noexcept { return core_.allocation(); }
    TimePoint started_at() const noexcept { return started_at_; }
    std::uint64_t refreshes() const noexcept { return refreshes_; }

private:
    // ClientIo
    void send_to_server(std::span<const std::uint8_t> bytes) override;
    void on_event(const client::ClientEvent& event) override;
    // Pollable
    void on_ready(std::uint32_t events, TimePoint now) override;
    // PendingWriter
    void write_pending() override;
    // SharedPortClient
    void on_shared_datagram(std::span<std::uint8_t> bytes, TimePoint now) override;

    void read_datagrams(TimePoint now);
    void read_stream(TimePoint now);
    void feed_core(std::span<std::uint8_t> bytes, TimePoint now);
    void queue_stream_write();
    void fail_transport(std::string_view reason, TimePoint now);
    void after_core_call() noexcept {
        if (!finished()) next_timer_ = core_.next_timer();
    }
    void finish(Stage final_stage) noexcept;
    void stop_watching() noexcept;

    EndpointContext& context_;
    EndpointListener& listener_;
    client::TurnClientCore core_;
    protocol::IpAddress local_ip_;
    std::uint32_t tag_;
    int socket_buffer_;

    Stage stage_ = Stage::Idle;
    FileDescriptor udp_;
    SharedUdpPort* shared_ = nullptr;  // instead of udp_ (use_shared_port)
    bool attached_ = false;             // receiving through shared_
    std::optional<TcpStream> tcp_;
    bool watched_ = false;  // registered with the epoll loop
    bool write_queued_ = false;
    bool watching_writes_ = false;
    std::optional<TimePoint> next_timer_;
    TimePoint started_at_{};
    TimePoint now_{};                          // the time of the input being processed (events carry none)
    std::span<std::uint8_t> current_input_;    // the bytes being fed to the core: Data payloads lie inside
    protocol::TransportAddress peer_;
    std::uint64_t refreshes_ = 0;
};

}  // namespace tern::bench
