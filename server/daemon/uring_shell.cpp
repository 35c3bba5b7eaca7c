#include "server/daemon/uring_shell.hpp"

#include <unistd.h>

#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fmt/core.h>

#include "protocol/relay_buffer.hpp"
#include "server/daemon/socket_address.hpp"

namespace tern::server {

namespace asio = boost::asio;

namespace {

constexpr std::uint32_t kBufferSize = 4096;  // one page: any datagram of a 1500-byte MTU with room to spare
constexpr std::uint16_t kBufferCount = 1024;
constexpr std::size_t kSendOps = 512;  // when all are in flight, sends go out at once (send_now)
constexpr unsigned kCompletionsPerTurn = 512;  // bounded work per turn keeps TCP and timers served
constexpr std::uint8_t kMaxFailedArms = 16;

// What a multishot receive writes in front of the payload: the header, the source address (room for
// any family), and for listeners the IP_PKTINFO control message.
constexpr socklen_t kNameSize = sizeof(sockaddr_storage);
constexpr std::size_t kListenerControlSize = 64;
static_assert(sizeof(io_uring_recvmsg_out) + kNameSize >= protocol::kRelayHeadroom,
              "a relayed datagram needs kRelayHeadroom bytes in front of it for in-place framing");
static_assert(CMSG_SPACE(sizeof(in6_pktinfo)) <= kListenerControlSize);

// user_data: what completed (8 bits), the socket's generation (24 bits), the socket or send index.
enum class Op : std::uint8_t { Receive = 1, Send = 2 };
constexpr std::uint32_t kGenerationMask = 0xFFFFFF;

std::uint64_t tag(Op op, std::uint32_t generation, std::uint32_t index) {
    return (std::uint64_t{static_cast<std::uint8_t>(op)} << 56) |
           (std::uint64_t{generation & kGenerationMask} << 32) | index;
}
Op op_of(std::uint64_t user_data) { return static_cast<Op>(user_data >> 56); }
std::uint32_t generation_of(std::uint64_t user_data) {
    return static_cast<std::uint32_t>(user_data >> 32) & kGenerationMask;
}
std::uint32_t index_of(std::uint64_t user_data) { return static_cast<std::uint32_t>(user_data); }

}  // namespace

std::variant<std::unique_ptr<UringShell>, std::string> UringShell::create(asio::io_context& io, const Logger& log) {
    // Lets an operator (and the fallback test) rule io_uring out without editing configuration.
    if (const char* disabled = std::getenv("TERN_DISABLE_IO_URING"); disabled != nullptr && *disabled != '\0')
        return std::string("disabled by TERN_DISABLE_IO_URING");
    UringRing::Settings settings;
    settings.buffer_count = kBufferCount;
    settings.buffer_size = kBufferSize;
    settings.buffer_tailroom = protocol::kRelayTailroom;
    auto ring = UringRing::create(settings);
    if (auto* error = std::get_if<std::string>(&ring)) return *std::move(error);
    auto& made = std::get<std::unique_ptr<UringRing>>(ring);
    UniqueFd wakeup(::dup(made->event_fd()));  // Asio closes its own descriptor; the ring keeps the original
    if (!wakeup) return fmt::format("dup: {}", std::strerror(errno));
    // private constructor: make_unique cannot reach it
    return std::unique_ptr<UringShell>(new UringShell(io, log, std::move(made), std::move(wakeup)));
}

UringShell::UringShell(asio::io_context& io, const Logger& log, std::unique_ptr<UringRing> ring, UniqueFd wakeup)
    : RelayShell(io, log), io_(io), ring_(std::move(ring)), wakeup_(io, wakeup.release()), tcp_(io, log),
      sends_(kSendOps) {
    listener_receive_.msg_namelen = kNameSize;
    listener_receive_.msg_controllen = kListenerControlSize;
    relay_receive_.msg_namelen = kNameSize;
    free_sends_.reserve(kSendOps);
    for (std::size_t i = kSendOps; i-- > 0;) free_sends_.push_back(static_cast<std::uint32_t>(i));
    // While the loop polls, notifications stay off: each pass looks at the ring's state in memory,
    // which costs no system call, and the kernel skips signalling an eventfd nobody waits on.
    idle_poll_.on_pass([this] {
        if (ring_->has_work()) run_turn();
    });
    idle_poll_.on_closed([this] {
        if (ring_->resume_notifications() && !turn_posted_) post_turn();
    });
    wait_for_completions();
}

UringShell::~UringShell() {
    close();
    for (std::uint32_t i = 0; i < sockets_.size(); ++i)
        if (sockets_[i].open) close_socket(i);
    // The ring's destructor cancels the sends still in flight: it must run before sends_, which they
    // point into, is freed.
    ring_.reset();
}

void UringShell::start_on_loop_thread() {
    if (auto error = ring_->start_on_this_thread())
        log_.error("io_uring ring not started: this shard's UDP sockets stay silent", {{"error", *error}});
}

void UringShell::attach(TurnServer& core, std::uint16_t max_channel_number) {
    core_ = &core;
    tcp_.attach(core, max_channel_number);
}

void UringShell::close() {
    for (const std::uint32_t index : listeners_) close_socket(index);
    listeners_.clear();
    tcp_.close();
}

std::optional<std::string> UringShell::listen(const std::vector<protocol::TransportAddress>& addresses, bool udp,
                                              bool tcp, bool reuse_port) {
    for (const auto& a : addresses) {
        if (udp) {
            auto opened = open_udp_socket(a, true, reuse_port, buffers_);
            if (auto* error = std::get_if<std::string>(&opened))
                return fmt::format("udp {}: {}", a.to_string(), *error);
            listeners_.push_back(add_socket(std::move(std::get<UniqueFd>(opened)), a, true));
        }
        if (tcp)
            if (auto error = tcp_.listen(a, reuse_port)) return error;
    }
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------------------
// Sockets

std::uint32_t UringShell::add_socket(UniqueFd fd, const protocol::TransportAddress& local, bool listener) {
    std::uint32_t index;
    if (!free_sockets_.empty()) {
        index = free_sockets_.back();
        free_sockets_.pop_back();
    } else {
        index = static_cast<std::uint32_t>(sockets_.size());
        sockets_.emplace_back();
    }
    Socket& s = sockets_[index];
    s.fd = std::move(fd);
    s.local = local;
    s.open = true;
    s.listener = listener;
    s.wildcard = listener && is_unspecified(local.ip);
    s.receiving = false;
    s.dont_fragment = false;
    s.failed_arms = 0;
    s.index = index;
    to_arm_.push_back({index, s.generation});
    request_flush();
    return index;
}

UringShell::Socket* UringShell::live(std::uint32_t index, std::uint32_t generation) noexcept {
    if (index >= sockets_.size()) return nullptr;
    Socket& s = sockets_[index];
    return s.open && (s.generation & kGenerationMask) == (generation & kGenerationMask) ? &s : nullptr;
}

UringShell::Socket* UringShell::listener_for(const protocol::TransportAddress& server_side) noexcept {
    for (const std::uint32_t index : listeners_) {
        Socket& l = sockets_[index];
        if (l.local.port != server_side.port || l.local.ip.family != server_side.ip.family) continue;
        if (l.wildcard || l.local.ip == server_side.ip) return &l;
    }
    return nullptr;
}

void UringShell::close_socket(std::uint32_t index) {
    Socket& s = sockets_[index];
    if (!s.open) return;
    s.open = false;
    // Queued entries name the descriptor by number, and a socket opened later may get the same number:
    // they go to the kernel while it still means this socket.
    if (io_uring_sq_ready(ring_->get()) > 0) ring_->submit();
    // A multishot receive holds its own reference to the socket, so closing the descriptor alone would
    // leave the port bound and receiving. Cancel it first; its last completions are told apart by the
    // generation, which changes now.
    if (s.receiving) ring_->cancel(tag(Op::Receive, s.generation, index));
    s.receiving = false;
    s.fd.reset();
    ++s.generation;
    free_sockets_.push_back(index);
}

std::optional<RelayId> UringShell::open_relay(const protocol::TransportAddress& local) {
    auto opened = open_udp_socket(local, false, false, buffers_);
    if (!std::holds_alternative<UniqueFd>(opened)) return std::nullopt;
    return add_socket(std::move(std::get<UniqueFd>(opened)), local, false) + 1;  // RelayId 0 is never used
}

void UringShell::close_relay(RelayId relay) {
    const std::uint32_t index = relay - 1;
    if (index < sockets_.size() && sockets_[index].open && !sockets_[index].listener) close_socket(index);
}

// ---------------------------------------------------------------------------------------------------
// Receiving

void UringShell::arm_receives() {
    // With every buffer out of the kernel's ring, a receive would end at once with ENOBUFS: wait until
    // sends give some back.
    if (ring_->buffers_out() >= ring_->buffer_count()) return;
    std::size_t armed = 0;
    for (; armed < to_arm_.size(); ++armed) {
        const SocketRef ref = to_arm_[armed];
        Socket* s = live(ref.index, ref.generation);
        if (s == nullptr || s->receiving) continue;
        io_uring_sqe* sqe = ring_->next_sqe();
        if (sqe == nullptr) break;
        io_uring_prep_recvmsg_multishot(sqe, s->fd.get(), s->listener ? &listener_receive_ : &relay_receive_, 0);
        sqe->flags |= IOSQE_BUFFER_SELECT;
        sqe->buf_group = UringRing::kBufferGroup;
        io_uring_sqe_set_data64(sqe, tag(Op::Receive, s->generation, ref.index));
        s->receiving = true;
    }
    to_arm_.erase(to_arm_.begin(), to_arm_.begin() + static_cast<std::ptrdiff_t>(armed));
}

void UringShell::on_received(const io_uring_cqe& cqe) {
    const std::uint32_t index = index_of(cqe.user_data);
    const std::uint32_t generation = generation_of(cqe.user_data);
    std::optional<std::uint16_t> buffer;
    if ((cqe.flags & IORING_CQE_F_BUFFER) != 0) {
        buffer = static_cast<std::uint16_t>(cqe.flags >> IORING_CQE_BUFFER_SHIFT);
        ring_->taken(*buffer);  // the datagram's own reference, until the core is done with it
    }
    if (buffer && cqe.res > 0 && live(index, generation) != nullptr) {
        sockets_[index].failed_arms = 0;
        deliver(index, ring_->buffer(*buffer), static_cast<unsigned>(cqe.res));
    }
    if (buffer) ring_->release(*buffer);
    if ((cqe.flags & IORING_CQE_F_MORE) != 0) return;
    // The multishot receive ended: out of buffers (ENOBUFS), a full completion queue, or an error.
    Socket* s = live(index, generation);  // the core may have closed it meanwhile
    if (s == nullptr) return;
    s->receiving = false;
    if (cqe.res < 0 && cqe.res != -ENOBUFS && ++s->failed_arms > kMaxFailedArms) {
        log_.error("udp socket stopped receiving", {{"address", s->local.to_string()},
                                                    {"detail", std::strerror(-cqe.res)}});
        return;
    }
    to_arm_.push_back({index, generation});
}

void UringShell::deliver(std::uint32_t index, std::span<std::uint8_t> buffer, unsigned filled) {
    Socket& s = sockets_[index];
    msghdr& layout = s.listener ? listener_receive_ : relay_receive_;
    if (io_uring_recvmsg_validate(buffer.data(), static_cast<int>(filled), &layout) == nullptr) return;
    io_uring_recvmsg_out out;
    std::memcpy(&out, buffer.data(), sizeof out);
    const std::size_t name_at = sizeof out;
    const std::size_t control_at = name_at + layout.msg_namelen;
    const std::size_t payload_at = control_at + layout.msg_controllen;
    if ((out.flags & MSG_TRUNC) != 0 || payload_at + out.payloadlen > filled) {
        if (!warned_truncation_)
            log_.warning("datagram larger than an io_uring receive buffer dropped",
                         {{"address", s.local.to_string()}, {"bytes", std::to_string(out.payloadlen)},
                          {"limit", std::to_string(kBufferSize - protocol::kRelayTailroom - payload_at)}});
        warned_truncation_ = true;
        ++stats_.oversize_drops;
        return;
    }
    sockaddr_storage from{};
    const socklen_t from_length = std::min<socklen_t>(out.namelen, kNameSize);
    std::memcpy(&from, buffer.data() + name_at, from_length);
    const auto source = from_socket_address(reinterpret_cast<const sockaddr*>(&from), from_length);
    if (!source || core_ == nullptr) return;
    std::uint8_t* payload = buffer.data() + payload_at;

    if (!s.listener) {
        // In place: kRelayHeadroom bytes of the prefix in front, kRelayTailroom the kernel left unfilled.
        const std::span<std::uint8_t> storage(payload - protocol::kRelayHeadroom,
                                              protocol::kRelayHeadroom + out.payloadlen + protocol::kRelayTailroom);
        core_->on_peer_datagram(index + 1, *source, storage, protocol::kRelayHeadroom, out.payloadlen,
                                turn_now_);
        return;
    }
    FiveTuple tuple{*source, s.local, Transport::Udp};
    if (s.wildcard) {
        alignas(cmsghdr) std::uint8_t control[kListenerControlSize];
        msghdr received{};
        received.msg_control = control;
        received.msg_controllen = std::min<std::size_t>(out.controllen, sizeof control);
        std::memcpy(control, buffer.data() + control_at, received.msg_controllen);
        if (const auto destination = destination_of(received)) tuple.server.ip = *destination;
    }
    core_->on_client_message(tuple, {payload, out.payloadlen}, turn_now_);
}

// ---------------------------------------------------------------------------------------------------
// Sending

void UringShell::send(const Socket& socket, const protocol::TransportAddress& to,
                      const protocol::IpAddress* source, std::span<const std::uint8_t> bytes) {
    const std::optional<std::uint16_t> buffer = ring_->buffer_holding(bytes);
    if (join_run(socket, to, source, bytes, buffer)) return;
    run_.reset();  // whatever follows must not overtake this datagram
    const int fd = socket.fd.get();
    io_uring_sqe* sqe = nullptr;
    if ((buffer || bytes.size() <= kSendCopySize) && !free_sends_.empty()) sqe = ring_->next_sqe();
    if (sqe == nullptr) {  // no room to queue it, or too big to copy
        if (!send_now(fd, to, source, bytes)) ++stats_.send_failures;
        return;
    }
    const std::uint32_t index = free_sends_.back();
    free_sends_.pop_back();
    SendOp& op = sends_[index];
    op.socket = socket.index;
    op.generation = socket.generation;
    if (buffer) {  // the bytes stay where the kernel received them until this send completes
        ring_->hold(*buffer);
        op.buffers[0] = *buffer;
        op.held = 1;
        op.copied = 0;
        op.datagram.describe(op.msg, to, source, bytes);
    } else {  // replies and frames from TCP clients: their bytes are reused before the send completes
        op.held = 0;
        std::memcpy(op.copy.data(), bytes.data(), bytes.size());
        op.copied = bytes.size();
        op.datagram.describe(op.msg, to, source, std::span(op.copy).first(bytes.size()));
    }
    op.run.begin(to, source, bytes.size());
    if (segmentation_) run_ = OpenRun{index, ring_->submissions()};
    io_uring_prep_sendmsg(sqe, fd, &op.msg, 0);
    io_uring_sqe_set_data64(sqe, tag(Op::Send, 0, index));
    request_flush();
}

bool UringShell::join_run(const Socket& socket, const protocol::TransportAddress& to,
                          const protocol::IpAddress* source, std::span<const std::uint8_t> bytes,
                          std::optional<std::uint16_t> buffer) {
    // The open run's sendmsg is prepared but not submitted: the kernel reads its msghdr at submission,
    // so one more segment can still be added to it.
    if (!run_ || run_->submissions != ring_->submissions()) return false;
    SendOp& op = sends_[run_->op];
    if (op.socket != socket.index || !op.run.accepts(to, source, bytes.size())) return false;
    // A run is all in provided buffers or all in the op's copy area, which must have room.
    if (buffer.has_value() != (op.held > 0) || (!buffer && op.copied + bytes.size() > op.copy.size())) return false;
    if (buffer) {
        ring_->hold(*buffer);
        op.buffers[op.held++] = *buffer;
        op.run.add(op.msg, bytes);
    } else {
        std::memcpy(op.copy.data() + op.copied, bytes.data(), bytes.size());
        op.run.add(op.msg, std::span(op.copy).subspan(op.copied, bytes.size()));
        op.copied += bytes.size();
    }
    return true;
}

void UringShell::on_sent(const io_uring_cqe& cqe) {
    // A failed send (no route, no buffer space) loses the datagram, as UDP may; a refused run of
    // segments goes again one datagram at a time.
    const std::uint32_t index = index_of(cqe.user_data);
    SendOp& op = sends_[index];
    if (cqe.res < 0 && op.run.count() > 1) resend_refused_run(op, -cqe.res);
    else if (cqe.res < 0) ++stats_.send_failures;
    for (std::uint8_t i = 0; i < op.held; ++i) ring_->release(op.buffers[i]);
    op.held = 0;
    free_sends_.push_back(index);
}

void UringShell::resend_refused_run(const SendOp& op, int error) {
    on_run_refused(error);
    const Socket* s = live(op.socket, op.generation);
    if (s == nullptr) return;  // closed meanwhile: its datagrams go nowhere
    stats_.send_failures += send_one_by_one(s->fd.get(), op.run, op.msg);
}

void UringShell::send_to_client(const FiveTuple& client, std::span<const std::uint8_t> bytes) {
    if (client.transport != Transport::Udp) return tcp_.send(client, bytes);
    const Socket* l = listener_for(client.server);
    if (l == nullptr) return;
    send(*l, client.client, l->wildcard ? &client.server.ip : nullptr, bytes);
}

void UringShell::send_to_peer(RelayId relay, const protocol::TransportAddress& peer,
                              std::span<const std::uint8_t> bytes, bool dont_fragment) {
    const std::uint32_t index = relay - 1;
    if (index >= sockets_.size() || !sockets_[index].open || sockets_[index].listener) return;
    Socket& s = sockets_[index];
    if (dont_fragment != s.dont_fragment) {  // toggled only when a client's wish changes, not per packet
        if (io_uring_sq_ready(ring_->get()) > 0) ring_->submit();  // queued sends keep the old setting
        set_dont_fragment(s.fd.get(), s.local.ip.family, dont_fragment);
        s.dont_fragment = dont_fragment;
    }
    send(s, peer, nullptr, bytes);
}

// ---------------------------------------------------------------------------------------------------
// The loop

void UringShell::wait_for_completions() {
    wakeup_.async_wait(asio::posix::stream_descriptor::wait_read,
                       wakeup_slot_->bind_to([this, keep = wakeup_slot_](const boost::system::error_code& ec) {
                           if (ec) return;
                           // Reset the eventfd before draining: later completions signal anew.
                           std::uint64_t signalled = 0;
                           (void)::read(wakeup_.native_handle(), &signalled, sizeof signalled);
                           run_turn();
                           wait_for_completions();
                       }));
}

void UringShell::run_turn() {
    in_turn_ = true;
    ring_->pause_notifications();  // completions posted while this turn runs are reaped by it, not signalled
    unsigned handled = 0;
    std::array<io_uring_cqe*, 64> batch{};
    do {
        while (handled < kCompletionsPerTurn) {
            ring_->run_deferred_work();
            const unsigned n = io_uring_peek_batch_cqe(ring_->get(), batch.data(), batch.size());
            if (n == 0) break;
            turn_now_ = Instant::now();  // one reading per batch: the core's times are coarser than that
            for (unsigned i = 0; i < n; ++i) {
                const io_uring_cqe cqe = *batch[i];
                if (op_of(cqe.user_data) == Op::Receive) on_received(cqe);
                else if (op_of(cqe.user_data) == Op::Send) on_sent(cqe);
            }
            io_uring_cq_advance(ring_->get(), n);
            handled += n;
        }
        in_turn_ = false;
        flush();  // sends done inline by the submit complete at once: reap them in this turn too
        in_turn_ = true;
    } while (handled < kCompletionsPerTurn && ring_->has_work());
    in_turn_ = false;
    if (handled > 0 && idle_poll_.keep_awake()) return;  // notifications stay off until the window closes
    if (ring_->resume_notifications() && !turn_posted_) {
        // Posted before notifications were back on, or more than one turn's worth: continue after the
        // other handlers.
        post_turn();
    }
}

void UringShell::post_turn() {
    turn_posted_ = true;
    asio::post(io_, turn_slot_->bind_to([this, keep = turn_slot_] {
        turn_posted_ = false;
        run_turn();
    }));
}

void UringShell::request_flush() {
    // A turn ends with a flush anyway, and a flush already queued takes these sends too.
    if (in_turn_ || flush_posted_) return;
    flush_posted_ = true;
    asio::post(io_, flush_slot_->bind_to([this, keep = flush_slot_] {
        flush_posted_ = false;
        flush();
    }));
}

void UringShell::flush() {
    arm_receives();
    if (io_uring_sq_ready(ring_->get()) == 0) return;
    const int r = ring_->submit();
    if ((r == -EBUSY || r == -EAGAIN) && !turn_posted_) post_turn();  // the completion queue is full: reap first
}

}  // namespace tern::server
