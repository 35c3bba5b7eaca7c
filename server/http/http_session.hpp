#pragma once
// One HTTP(S) connection: read a request (bounded in size and time), hand it to the handler, write
// the answer, and read the next one while the client keeps the connection alive. Included only by
// http_server.cpp, which instantiates it for plain TCP and for TLS.

#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

#include "server/daemon/logger.hpp"
#include "server/http/api_error.hpp"
#include "server/http/http_message.hpp"

namespace tern::http {

using RequestHandler = std::function<Response(const Request&)>;

template <class Stream>
class HttpSession : public std::enable_shared_from_this<HttpSession<Stream>> {
public:
    HttpSession(Stream stream, std::shared_ptr<const RequestHandler> handler, const server::Logger& log,
                std::string peer)
        : stream_(std::move(stream)), handler_(std::move(handler)), log_(log), peer_(std::move(peer)) {}

    void start() {
        if constexpr (kTls) {
            tcp().expires_after(kReadTimeout);
            stream_.async_handshake(boost::asio::ssl::stream_base::server,
                                    [self = this->shared_from_this()](const boost::system::error_code& ec) {
                                        if (ec) return self->close();
                                        self->read();
                                    });
        } else {
            read();
        }
    }

private:
    static constexpr bool kTls = !std::is_same_v<Stream, boost::beast::tcp_stream>;
    // After a refusal the client may still be sending its body; reading (and dropping) up to this much
    // before closing lets it see the answer instead of a reset.
    static constexpr std::size_t kMaxDrainBytes = 1024 * 1024;
    static constexpr std::chrono::seconds kDrainTimeout{5};

    boost::beast::tcp_stream& tcp() { return boost::beast::get_lowest_layer(stream_); }

    void read() {
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(kMaxHeaderBytes));
        parser_->body_limit(kMaxBodyBytes);
        tcp().expires_after(kReadTimeout);
        beast_http::async_read(stream_, buffer_, *parser_,
                               [self = this->shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                                   self->on_read(ec);
                               });
    }

    void on_read(const boost::system::error_code& ec) {
        if (ec == beast_http::error::body_limit)
            return refuse(Status::payload_too_large, "PayloadTooLarge", "the body exceeds 65536 bytes");
        if (ec == beast_http::error::header_limit)
            return refuse(Status::request_header_fields_too_large, "HeadersTooLarge", "the headers are too large");
        const bool client_left = ec == beast_http::error::end_of_stream || ec == beast_http::error::partial_message;
        if (ec && ec.category() == beast_http::make_error_code(beast_http::error::bad_target).category() &&
            !client_left)
            return refuse(Status::bad_request, "InvalidRequest", "the request is not valid HTTP/1.1");
        if (ec) return close();  // the client left, went quiet, or the connection failed

        const Request request = parser_->release();
        Response response = (*handler_)(request);
        const std::string_view target{request.target().data(), request.target().size()};
        log_.info("http request", {{"peer", peer_},
                                   {"method", {request.method_string().data(), request.method_string().size()}},
                                   {"path", target.substr(0, target.find('?'))},
                                   {"status", std::to_string(response.result_int())}});
        write(std::move(response), false);
    }

    // Answers a request that could not be read whole, then closes: the stream is out of step.
    void refuse(Status status, std::string_view code, std::string_view message) {
        log_.info("http request refused", {{"peer", peer_}, {"status", std::to_string(static_cast<unsigned>(status))}});
        Response response = error_response(ApiError{status, std::string(code), std::string(message), {}, {}});
        response.keep_alive(false);
        write(std::move(response), true);
    }

    void write(Response response, bool drain_after) {
        response_ = std::move(response);
        tcp().expires_after(kWriteTimeout);
        beast_http::async_write(stream_, response_,
                                [self = this->shared_from_this(), drain_after](const boost::system::error_code& ec,
                                                                               std::size_t) {
                                    if (ec) return self->close();
                                    if (drain_after) return self->drain();
                                    if (self->response_.need_eof()) return self->close();
                                    self->read();
                                });
    }

    // Stops sending, then reads and drops what the client still sends, for a bounded time and amount.
    void drain() {
        boost::system::error_code ignored;
        tcp().socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
        tcp().expires_after(kDrainTimeout);
        drain_more();
    }

    void drain_more() {
        tcp().async_read_some(boost::asio::buffer(drain_buffer_),
                              [self = this->shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                                  self->drained_ += n;
                                  if (ec || self->drained_ > kMaxDrainBytes) return self->close();
                                  self->drain_more();
                              });
    }

    void close() {
        boost::system::error_code ignored;
        tcp().socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
        tcp().close();
    }

    Stream stream_;
    std::shared_ptr<const RequestHandler> handler_;
    const server::Logger& log_;
    std::string peer_;
    boost::beast::flat_buffer buffer_;
    std::optional<beast_http::request_parser<beast_http::string_body>> parser_;
    Response response_;
    std::array<char, 4096> drain_buffer_{};
    std::size_t drained_ = 0;
};

}  // namespace tern::http
