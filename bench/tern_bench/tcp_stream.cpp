#include "bench/tern_bench/tcp_stream.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace tern::bench {

TcpStream::TcpStream(FileDescriptor fd) : fd_(std::move(fd)) { out_.reserve(64 * 1024); }

int TcpStream::finish_connect() noexcept {
    const int error = connect_result(fd_.get());
    connected_ = error == 0;
    return error;
}

bool TcpStream::append(std::span<const std::uint8_t> frame) {
    if (out_.size() - out_begin_ + frame.size() > kMaxPending) return false;
    if (out_begin_ > 0 && out_begin_ == out_.size()) {
        out_.clear();
        out_begin_ = 0;
    }
    out_.insert(out_.end(), frame.begin(), frame.end());
    return true;
}

bool TcpStream::flush() noexcept {
    if (!connected_) return true;  // sent once the connect completes
    while (out_begin_ < out_.size()) {
        const ssize_t n = ::send(fd_.get(), out_.data() + out_begin_, out_.size() - out_begin_, MSG_NOSIGNAL);
        if (n > 0) {
            out_begin_ += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        return false;
    }
    if (out_begin_ == out_.size()) {
        out_.clear();
        out_begin_ = 0;
    } else if (out_begin_ > 256 * 1024) {  // keep the buffer from creeping forward forever
        out_.erase(out_.begin(), out_.begin() + static_cast<std::ptrdiff_t>(out_begin_));
        out_begin_ = 0;
    }
    return true;
}

TcpStream::ReadStep TcpStream::read_some() noexcept {
    const auto room = framer_.writable();
    if (room.empty()) return ReadStep::Failed;  // a frame larger than the framer can hold
    const ssize_t n = ::recv(fd_.get(), room.data(), room.size(), 0);
    if (n > 0) {
        framer_.commit(static_cast<std::size_t>(n));
        // A short read means the socket is drained for now.
        return static_cast<std::size_t>(n) < room.size() ? ReadStep::Drained : ReadStep::More;
    }
    if (n == 0) return ReadStep::Eof;
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return ReadStep::Drained;
    return ReadStep::Failed;
}

}  // namespace tern::bench
