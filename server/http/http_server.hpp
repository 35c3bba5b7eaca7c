#pragma once
// The HTTP(S) listener of the API, on the daemon's io_context (the relay's thread: handlers run one
// at a time, so the API needs no locks). Each accepted connection becomes an HttpSession.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <optional>
#include <string>

#include "protocol/transport_address.hpp"
#include "server/daemon/logger.hpp"
#include "server/http/http_session.hpp"

namespace tern::http {

struct TlsFiles {
    std::string certificate_chain;  // PEM
    std::string private_key;        // PEM
};

class HttpServer {
public:
    HttpServer(boost::asio::io_context& io, const server::Logger& log, RequestHandler handler);
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Binds and starts accepting; HTTPS when `tls` is given. The reason on failure (address in use,
    // unreadable certificate...).
    std::optional<std::string> listen(const protocol::TransportAddress& address, const std::optional<TlsFiles>& tls);
    // Stops accepting; open connections end on their own (or with the io_context).
    void close();

    bool tls() const noexcept { return tls_ != nullptr; }

private:
    void accept();

    const server::Logger& log_;
    std::shared_ptr<const RequestHandler> handler_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer accept_retry_;  // after a failed accept (out of descriptors, say)
    std::shared_ptr<boost::asio::ssl::context> tls_;
};

}  // namespace tern::http
