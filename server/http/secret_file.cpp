#include "server/http/secret_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace tern::http {
namespace {

constexpr std::size_t kMaxSecretBytes = 4096;

std::string trimmed(std::string text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

std::string errno_text(const std::filesystem::path& path, std::string_view what) {
    return path.string() + ": " + std::string(what) + ": " + std::strerror(errno);
}

class Descriptor {
public:
    explicit Descriptor(int fd) : fd_(fd) {}
    ~Descriptor() {
        if (fd_ >= 0) ::close(fd_);
    }
    Descriptor(const Descriptor&) = delete;
    Descriptor& operator=(const Descriptor&) = delete;
    int get() const noexcept { return fd_; }

private:
    int fd_;
};

bool write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

// Writes `content` to a file of its own, flushed to disk, then links it to `file`: readers never see
// a partial secret, and link() fails with EEXIST when another process got there first.
std::variant<bool, std::string> create_exclusively(const std::filesystem::path& file, std::string_view content) {
    const std::filesystem::path temporary = file.string() + ".new." + std::to_string(::getpid());
    {
        const Descriptor fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
        if (fd.get() < 0) return errno_text(temporary, "cannot create");
        if (!write_all(fd.get(), content) || !write_all(fd.get(), "\n") || ::fsync(fd.get()) != 0) {
            std::string error = errno_text(temporary, "cannot write");
            ::unlink(temporary.c_str());
            return error;
        }
    }
    const int linked = ::link(temporary.c_str(), file.c_str());
    const int link_errno = errno;
    ::unlink(temporary.c_str());
    if (linked != 0 && link_errno != EEXIST) {
        errno = link_errno;
        return errno_text(file, "cannot create");
    }
    // The directory entry itself must reach the disk, or a crash could lose a key already handed out.
    if (linked == 0) {
        const Descriptor dir(::open(file.parent_path().empty() ? "." : file.parent_path().c_str(),
                                    O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (dir.get() >= 0) ::fsync(dir.get());
    }
    return linked == 0;
}

}  // namespace

std::optional<std::string> ensure_private_directory(const std::filesystem::path& dir) {
    std::error_code ec;
    if (std::filesystem::is_directory(dir, ec)) return std::nullopt;
    if (!dir.parent_path().empty()) std::filesystem::create_directories(dir.parent_path(), ec);
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return errno_text(dir, "cannot create the directory");
    if (!std::filesystem::is_directory(dir, ec)) return dir.string() + ": not a directory";
    return std::nullopt;
}

std::variant<SecretFile, std::string> read_secret_file(const std::filesystem::path& file) {
    const Descriptor fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) return errno_text(file, "cannot open");
    std::string text(kMaxSecretBytes + 1, '\0');
    std::size_t size = 0;
    while (size < text.size()) {
        const ssize_t n = ::read(fd.get(), text.data() + size, text.size() - size);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return errno_text(file, "cannot read");
        if (n == 0) break;
        size += static_cast<std::size_t>(n);
    }
    if (size > kMaxSecretBytes) return file.string() + ": larger than a secret file can be";
    text.resize(size);
    SecretFile secret{trimmed(std::move(text)), false};
    if (secret.text.empty()) return file.string() + ": empty";
    return secret;
}

std::variant<SecretFile, std::string> read_or_create_secret_file(const std::filesystem::path& file,
                                                                 std::string_view content_if_new) {
    if (::access(file.c_str(), F_OK) != 0 && errno == ENOENT) {
        auto created = create_exclusively(file, content_if_new);
        if (auto* error = std::get_if<std::string>(&created)) return std::move(*error);
        if (std::get<bool>(created)) return SecretFile{trimmed(std::string(content_if_new)), true};
    }
    return read_secret_file(file);
}

}  // namespace tern::http
