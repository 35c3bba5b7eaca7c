#include "server/http/http_server.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/socket_base.hpp>

namespace tern::http {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

tcp::endpoint to_endpoint(const protocol::TransportAddress& a) {
    // The text form round-trips through Asio's parser; both sides spell addresses the standard way.
    return {asio::ip::make_address(a.ip.to_string()), a.port};
}

std::shared_ptr<asio::ssl::context> make_tls_context(const TlsFiles& files, std::string* error) {
    auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
    // TLS 1.2 and later only; the API carries access tokens and relay credentials.
    context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                         asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                         asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
    boost::system::error_code ec;
    context->use_certificate_chain_file(files.certificate_chain, ec);
    if (ec) {
        *error = "http-cert " + files.certificate_chain + ": " + ec.message();
        return nullptr;
    }
    context->use_private_key_file(files.private_key, asio::ssl::context::pem, ec);
    if (ec) {
        *error = "http-key " + files.private_key + ": " + ec.message();
        return nullptr;
    }
    return context;
}

}  // namespace

HttpServer::HttpServer(asio::io_context& io, const server::Logger& log, RequestHandler handler)
    : log_(log),
      handler_(std::make_shared<const RequestHandler>(std::move(handler))),
      acceptor_(io),
      accept_retry_(io) {}

std::optional<std::string> HttpServer::listen(const protocol::TransportAddress& address,
                                              const std::optional<TlsFiles>& tls) {
    if (tls) {
        std::string error;
        tls_ = make_tls_context(*tls, &error);
        if (!tls_) return error;
    }
    const tcp::endpoint endpoint = to_endpoint(address);
    boost::system::error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec && endpoint.address().is_v6()) acceptor_.set_option(asio::ip::v6_only(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        acceptor_.close();
        return "http-listen " + address.to_string() + ": " + ec.message();
    }
    accept();
    return std::nullopt;
}

void HttpServer::close() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    accept_retry_.cancel();
}

void HttpServer::accept() {
    acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
        if (!ec) {
            boost::system::error_code ignored;
            const auto remote = socket.remote_endpoint(ignored);
            std::string peer = remote.address().to_string() + ":" + std::to_string(remote.port());
            if (tls_) {
                boost::beast::ssl_stream<boost::beast::tcp_stream> stream(boost::beast::tcp_stream(std::move(socket)),
                                                                          *tls_);
                std::make_shared<HttpSession<boost::beast::ssl_stream<boost::beast::tcp_stream>>>(
                    std::move(stream), handler_, log_, std::move(peer))
                    ->start();
            } else {
                std::make_shared<HttpSession<boost::beast::tcp_stream>>(boost::beast::tcp_stream(std::move(socket)),
                                                                        handler_, log_, std::move(peer))
                    ->start();
            }
            accept();
            return;
        }
        // Out of descriptors, say: try again shortly rather than spin, as the condition may pass.
        log_.warning("http accept failed", {{"detail", ec.message()}});
        accept_retry_.expires_after(std::chrono::milliseconds(100));
        accept_retry_.async_wait([this](const boost::system::error_code& wait_error) {
            if (!wait_error && acceptor_.is_open()) accept();
        });
    });
}

}  // namespace tern::http
