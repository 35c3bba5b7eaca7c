#include "client/turn_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <vector>

#include "auth/random.hpp"
#include "protocol/stream_framer.hpp"

namespace tern::client {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;

namespace {

// TCP frames waiting for the socket. Past this the stream is not keeping up: new frames are dropped,
// as a congested UDP path would drop datagrams (requests are then answered by a timeout).
constexpr std::size_t kOutboxCapacity = 256 * 1024;

asio::ip::address to_asio(const protocol::IpAddress& ip) {
    if (ip.family == protocol::AddressFamily::IPv4)
        return asio::ip::address_v4(asio::ip::address_v4::bytes_type{ip.bytes[0], ip.bytes[1], ip.bytes[2], ip.bytes[3]});
    asio::ip::address_v6::bytes_type bytes{};
    std::copy_n(ip.bytes.begin(), 16, bytes.begin());
    return asio::ip::address_v6(bytes);
}

protocol::TransportAddress from_asio(const asio::ip::address& a, std::uint16_t port) {
    protocol::TransportAddress out;
    out.port = port;
    if (a.is_v4()) {
        out.ip = protocol::IpAddress::v4(a.to_v4().to_bytes());
    } else if (a.to_v6().is_v4_mapped()) {
        out.ip = protocol::IpAddress::v4(asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6()).to_bytes());
    } else {
        out.ip = protocol::IpAddress::v6(a.to_v6().to_bytes());
    }
    return out;
}

}  // namespace

class TurnClient::Impl final : public ClientIo, public std::enable_shared_from_this<Impl> {
public:
    Impl(asio::io_context& io, TurnClientConfig config, Handlers handlers)
        : handlers_(std::move(handlers)),
          core_(std::move(config), *this, random_),
          udp_(io),
          tcp_(io),
          timer_(io) {
        if (tcp_transport()) {
            framer_ = std::make_unique<protocol::StreamFramer>();
            pending_.reserve(kOutboxCapacity);
            writing_.reserve(kOutboxCapacity);
        } else {
            datagram_ = std::make_unique<std::array<std::uint8_t, 65536>>();
        }
    }

    bool tcp_transport() const noexcept { return core_.config().transport == ServerTransport::Tcp; }
    TurnClientCore& core() noexcept { return core_; }

    void start() {
        if (started_ || stopped_) return;
        started_ = true;
        const auto& server = core_.config().server;
        if (tcp_transport()) {
            const tcp::endpoint endpoint(to_asio(server.ip), server.port);
            tcp_.async_connect(endpoint, [self = shared_from_this()](const boost::system::error_code& ec) {
                if (self->stopped_) return;
                if (ec) return self->transport_failed("cannot connect to the server");
                boost::system::error_code ignored;
                self->tcp_.set_option(tcp::no_delay(true), ignored);
                self->connected_ = true;
                self->core_.start(Clock::now());
                self->after_input();
                self->read_stream();
            });
            return;
        }
        boost::system::error_code ec;
        const udp::endpoint endpoint(to_asio(server.ip), server.port);
        // A connected UDP socket: the kernel passes on datagrams from the server only.
        udp_.open(endpoint.protocol(), ec);
        if (!ec) udp_.connect(endpoint, ec);
        if (ec) return transport_failed("cannot open a UDP socket to the server");
        connected_ = true;
        core_.start(Clock::now());
        after_input();
        read_datagrams();
    }

    // Stops every socket operation and drops the handlers; pending Asio operations finish harmlessly
    // (they hold this object alive and see stopped_).
    void shutdown() {
        if (stopped_) return;
        stopped_ = true;
        boost::system::error_code ignored;
        timer_.cancel();
        udp_.close(ignored);
        tcp_.close(ignored);
    }

    void forget_handlers() { handlers_ = {}; }

    // After every input or command: stop when finished, else wait for the core's next deadline.
    void after_input() {
        if (stopped_) return;
        const ClientState s = core_.state();
        if (s == ClientState::Closed || s == ClientState::Failed) {
            // Let a pending TCP write (the last Refresh) go out before the connection closes.
            if (!writing_in_progress_) shutdown();
            else close_after_write_ = true;
            return;
        }
        arm_timer();
    }

    std::optional<protocol::TransportAddress> local_address() const {
        boost::system::error_code ec;
        if (tcp_transport()) {
            const auto e = tcp_.local_endpoint(ec);
            if (ec) return std::nullopt;
            return from_asio(e.address(), e.port());
        }
        const auto e = udp_.local_endpoint(ec);
        if (ec) return std::nullopt;
        return from_asio(e.address(), e.port());
    }

    // ClientIo
    void send_to_server(std::span<const std::uint8_t> bytes) override {
        if (stopped_ || !connected_) return;
        if (!tcp_transport()) {
            boost::system::error_code ignored;  // UDP is lossy anyway; requests are retransmitted
            udp_.send(asio::buffer(bytes.data(), bytes.size()), 0, ignored);
            return;
        }
        if (pending_.size() + bytes.size() > kOutboxCapacity) return;
        pending_.insert(pending_.end(), bytes.begin(), bytes.end());  // within the reserved capacity
        if (!writing_in_progress_) write_stream();
    }

    void on_event(const ClientEvent& e) override;

private:
    void transport_failed(std::string_view why) {
        if (stopped_) return;
        shutdown();
        if (handlers_.on_error) handlers_.on_error({ClientErrorKind::Transport, protocol::Method::Allocate, 0, why});
    }

    void arm_timer() {
        const auto next = core_.next_timer();
        if (!next) {
            if (armed_) timer_.cancel();
            armed_ = false;
            return;
        }
        if (armed_ && *next == armed_for_) return;
        armed_ = true;
        armed_for_ = *next;
        const std::uint64_t generation = ++timer_generation_;
        timer_.expires_at(*next);
        timer_.async_wait([self = shared_from_this(), generation](const boost::system::error_code& ec) {
            // A superseded wait may complete without error when it had already expired: skip it.
            if (ec || self->stopped_ || generation != self->timer_generation_) return;
            self->armed_ = false;
            self->core_.on_timer(Clock::now());
            self->after_input();
        });
    }

    void read_datagrams() {
        udp_.async_receive(asio::buffer(*datagram_),
                           [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                               if (self->stopped_ || ec == asio::error::operation_aborted) return;
                               // Other errors (an ICMP port unreachable, reported on a connected socket)
                               // are not fatal: the request timers decide when the server is gone.
                               if (!ec) {
                                   self->core_.on_bytes_from_server({self->datagram_->data(), n}, Clock::now());
                                   self->after_input();
                               }
                               if (!self->stopped_) self->read_datagrams();
                           });
    }

    void read_stream() {
        const auto room = framer_->writable();
        tcp_.async_read_some(asio::buffer(room.data(), room.size()),
                             [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                                 if (self->stopped_) return;
                                 if (ec) return self->transport_failed("connection to the server lost");
                                 self->framer_->commit(n);
                                 self->drain_frames();
                                 if (!self->stopped_) self->read_stream();
                             });
    }

    void drain_frames() {
        for (;;) {
            const auto r = framer_->next();
            if (r.status == protocol::StreamFramer::Status::NeedMore) break;
            if (r.status == protocol::StreamFramer::Status::Error)
                return transport_failed("unframeable bytes from the server");
            core_.on_bytes_from_server(r.frame.bytes, Clock::now());
            if (stopped_) return;
        }
        after_input();
    }

    void write_stream() {
        writing_.swap(pending_);  // both keep their reserved capacity
        writing_in_progress_ = true;
        asio::async_write(tcp_, asio::buffer(writing_),
                          [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                              self->writing_.clear();
                              self->writing_in_progress_ = false;
                              if (self->stopped_) return;
                              if (ec) return self->transport_failed("cannot write to the server");
                              if (!self->pending_.empty()) return self->write_stream();
                              if (self->close_after_write_) self->shutdown();
                          });
    }

    Handlers handlers_;
    auth::SystemRandom random_;  // before core_, which keeps a reference
    TurnClientCore core_;
    udp::socket udp_;
    tcp::socket tcp_;
    asio::steady_timer timer_;
    std::unique_ptr<std::array<std::uint8_t, 65536>> datagram_;  // UDP receive buffer
    std::unique_ptr<protocol::StreamFramer> framer_;             // TCP receive buffer
    std::vector<std::uint8_t> pending_;  // TCP: frames not yet handed to async_write
    std::vector<std::uint8_t> writing_;  // TCP: frames async_write is sending
    bool writing_in_progress_ = false;
    bool close_after_write_ = false;
    bool started_ = false;
    bool connected_ = false;
    bool stopped_ = false;
    bool armed_ = false;
    TimePoint armed_for_{};
    std::uint64_t timer_generation_ = 0;
};

void TurnClient::Impl::on_event(const ClientEvent& e) {
    switch (e.kind) {
        case ClientEventKind::Allocated:
            if (handlers_.on_allocated) handlers_.on_allocated(e.allocation);
            break;
        case ClientEventKind::Data:
            if (handlers_.on_data) handlers_.on_data(e.peer, e.payload);
            break;
        case ClientEventKind::Error:
            if (handlers_.on_error) handlers_.on_error(e.error);
            break;
        case ClientEventKind::PermissionCreated:
        case ClientEventKind::PermissionFailed:
            if (handlers_.on_permission)
                handlers_.on_permission(e.peer.ip, e.kind == ClientEventKind::PermissionFailed ? &e.error : nullptr);
            break;
        case ClientEventKind::ChannelBound:
        case ClientEventKind::ChannelFailed:
            if (handlers_.on_channel)
                handlers_.on_channel(e.peer, e.channel, e.kind == ClientEventKind::ChannelFailed ? &e.error : nullptr);
            break;
        case ClientEventKind::Closed:
            if (handlers_.on_closed) handlers_.on_closed();
            break;
        case ClientEventKind::AllocationRefreshed:
            break;
    }
    if (handlers_.on_event) handlers_.on_event(e);
}

// ---------------------------------------------------------------------------------------------------

TurnClient::TurnClient(asio::io_context& io, TurnClientConfig config, Handlers handlers)
    : impl_(std::make_shared<Impl>(io, std::move(config), std::move(handlers))) {}

TurnClient::~TurnClient() {
    impl_->shutdown();
    impl_->forget_handlers();  // they may refer to objects that die with the caller
}

void TurnClient::start() { impl_->start(); }

bool TurnClient::create_permission(const protocol::IpAddress& peer) {
    const bool ok = impl_->core().create_permission(peer, Clock::now());
    impl_->after_input();
    return ok;
}

std::optional<std::uint16_t> TurnClient::bind_channel(const protocol::TransportAddress& peer) {
    const auto channel = impl_->core().bind_channel(peer, Clock::now());
    impl_->after_input();
    return channel;
}

SendResult TurnClient::send(const protocol::TransportAddress& peer, std::span<const std::uint8_t> payload) {
    return impl_->core().send(peer, payload);  // no timer changes on the data path
}

void TurnClient::close() {
    impl_->core().close(Clock::now());
    impl_->after_input();
}

ClientState TurnClient::state() const noexcept { return impl_->core().state(); }
const AllocationInfo& TurnClient::allocation() const noexcept { return impl_->core().allocation(); }
std::optional<protocol::TransportAddress> TurnClient::local_address() const { return impl_->local_address(); }
const TurnClientCore& TurnClient::core() const noexcept { return impl_->core(); }

}  // namespace tern::client
