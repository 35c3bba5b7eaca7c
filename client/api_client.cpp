#include "client/api_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <exception>
#include <system_error>

namespace tern::client {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

constexpr std::size_t kMaxReplyBytes = 1024 * 1024;

template <class Stream>
asio::awaitable<Response> exchange(Stream& stream, Request& request) {
    co_await http::async_write(stream, request, asio::use_awaitable);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxReplyBytes);
    co_await http::async_read(stream, buffer, parser, asio::use_awaitable);
    co_return parser.release();
}

asio::awaitable<Response> send(const auth::ConnectionString& connection, Request request,
                               const TransportOptions& options) {
    const auto executor = co_await asio::this_coro::executor;
    asio::ip::tcp::resolver resolver(executor);
    const auto endpoints =
        co_await resolver.async_resolve(connection.host, std::to_string(connection.port), asio::use_awaitable);
    beast::tcp_stream tcp(executor);
    tcp.expires_after(options.timeout);  // one deadline for the whole exchange
    co_await tcp.async_connect(endpoints, asio::use_awaitable);
    if (connection.scheme != "https") co_return co_await exchange(tcp, request);

    asio::ssl::context tls(asio::ssl::context::tls_client);
    tls.set_default_verify_paths();
    tls.set_verify_mode(options.insecure ? asio::ssl::verify_none : asio::ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp), tls);
    boost::system::error_code not_an_ip;
    asio::ip::make_address(connection.host, not_an_ip);
    const bool is_ip = !not_an_ip;
    // SNI names hosts only; an IP address is checked against the certificate's IP entries.
    if (!is_ip) SSL_set_tlsext_host_name(stream.native_handle(), connection.host.c_str());
    if (!options.insecure) stream.set_verify_callback(asio::ssl::host_name_verification(connection.host));
    co_await stream.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
    co_return co_await exchange(stream, request);
}

}  // namespace

SignedHeaders sign_request(const auth::ConnectionString& connection, std::string_view method,
                           std::string_view path_and_query, std::string_view body, std::int64_t now_unix) {
    SignedHeaders h;
    h.host = connection.host_header();
    h.date = auth::http_date(now_unix);
    h.content_hash = auth::content_hash(body);
    const std::string to_sign = auth::string_to_sign(method, path_and_query, h.date, h.host, h.content_hash);
    h.authorization = auth::authorization_header(auth::sign(connection.access_key, to_sign));
    return h;
}

std::variant<ApiReply, std::string> call_api(const auth::ConnectionString& connection, const ApiRequest& api,
                                             const TransportOptions& options) {
    Request request{http::string_to_verb(api.method), api.path_and_query, 11};
    request.set(http::field::host, connection.host_header());
    request.set(http::field::user_agent, "tern/0.1.0");
    request.set(http::field::accept, "application/json");
    if (api.bearer_token) {
        request.set(http::field::authorization, "Bearer " + *api.bearer_token);
    } else {
        const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
        const SignedHeaders h = sign_request(connection, api.method, api.path_and_query, api.body, now);
        request.set("x-ms-date", h.date);
        request.set("x-ms-content-sha256", h.content_hash);
        request.set(http::field::authorization, h.authorization);
    }
    if (!api.body.empty()) request.set(http::field::content_type, "application/json");
    request.body() = api.body;
    request.prepare_payload();

    asio::io_context io;
    std::variant<ApiReply, std::string> result = std::string("no reply");
    asio::co_spawn(io, send(connection, std::move(request), options),
                   [&result](std::exception_ptr error, Response response) {
                       if (!error) {
                           result = ApiReply{response.result_int(), std::move(response.body())};
                           return;
                       }
                       try {
                           std::rethrow_exception(error);
                       } catch (const std::exception& e) {
                           result = std::string(e.what());
                       }
                   });
    io.run();
    return result;
}

}  // namespace tern::client
