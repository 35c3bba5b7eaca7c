#include "protocol/message_view.hpp"

#include <algorithm>

#include "protocol/bytes.hpp"
#include "protocol/fingerprint.hpp"

namespace tern::protocol {

RawAttribute AttributeIterator::operator*() const noexcept {
    const std::uint16_t type = load_be16(message_ + pos_);
    const std::uint16_t length = load_be16(message_ + pos_ + 2);
    return RawAttribute{type, pos_, {message_ + pos_ + kAttributeHeaderSize, length}};
}

AttributeIterator& AttributeIterator::operator++() noexcept {
    pos_ += kAttributeHeaderSize + padded4(load_be16(message_ + pos_ + 2));
    return *this;
}

bool MessageView::looks_like_stun(std::span<const std::uint8_t> bytes) noexcept {
    return bytes.size() >= kHeaderSize && (bytes[0] & 0xC0) == 0 && load_be32(bytes.data() + 4) == kMagicCookie;
}

Parsed<MessageView> MessageView::parse(std::span<const std::uint8_t> bytes) noexcept {
    if (bytes.size() < kHeaderSize) return ParseError::TruncatedHeader;
    const std::uint8_t* p = bytes.data();
    if ((p[0] & 0xC0) != 0) return ParseError::NotStun;
    if (load_be32(p + 4) != kMagicCookie) return ParseError::BadMagicCookie;
    const std::size_t length = load_be16(p + 2);
    if (length % 4 != 0) return ParseError::LengthNotMultipleOf4;
    if (kHeaderSize + length > bytes.size()) return ParseError::LengthPastEnd;
    if (kHeaderSize + length < bytes.size()) return ParseError::TrailingBytes;

    MessageView view;
    view.bytes_ = bytes;
    view.type_ = MessageType::decode(load_be16(p));

    const std::size_t end = bytes.size();
    std::size_t pos = kHeaderSize;
    bool ignoring = false;  // after MESSAGE-INTEGRITY(-SHA256), only later integrity attributes count
    while (pos < end) {
        if (end - pos < kAttributeHeaderSize) return ParseError::TruncatedAttributeHeader;
        const std::uint16_t type = load_be16(p + pos);
        const std::size_t value_length = load_be16(p + pos + 2);
        if (padded4(value_length) > end - pos - kAttributeHeaderSize) return ParseError::AttributePastEnd;
        if (view.fp_offset_ != kNone) return ParseError::FingerprintNotLast;

        switch (static_cast<AttributeType>(type)) {
            case AttributeType::MessageIntegrity:
                if (view.mi_offset_ != kNone || view.mi256_offset_ != kNone) return ParseError::MisplacedIntegrity;
                if (value_length != kMessageIntegritySize) return ParseError::BadIntegrityLength;
                view.mi_offset_ = pos;
                ignoring = true;
                break;
            case AttributeType::MessageIntegritySha256:
                if (view.mi256_offset_ != kNone) return ParseError::MisplacedIntegrity;
                if (value_length < kMessageIntegritySha256MinSize || value_length > kMessageIntegritySha256Size ||
                    value_length % 4 != 0)
                    return ParseError::BadIntegrityLength;
                view.mi256_offset_ = pos;
                ignoring = true;
                break;
            case AttributeType::Fingerprint:
                if (value_length != kFingerprintSize) return ParseError::BadFingerprintLength;
                view.fp_offset_ = pos;
                break;
            default:
                if (ignoring) break;
                if (is_comprehension_required(type) && !is_known_attribute(type)) {
                    if (view.unknown_count_ < kMaxUnknownReported) view.unknown_[view.unknown_count_++] = type;
                }
                view.counted_end_ = pos + kAttributeHeaderSize + padded4(value_length);
                break;
        }
        pos += kAttributeHeaderSize + padded4(value_length);
    }

    if (view.fp_offset_ != kNone) {
        const std::uint32_t expected = load_be32(p + view.fp_offset_ + kAttributeHeaderSize);
        if (compute_fingerprint(bytes.first(view.fp_offset_)) != expected) return ParseError::FingerprintMismatch;
    }
    return view;
}

TransactionId MessageView::transaction_id() const noexcept {
    TransactionId id;
    std::copy_n(bytes_.data() + 8, kTransactionIdSize, id.begin());
    return id;
}

AttributeRange MessageView::attributes() const noexcept {
    return {AttributeIterator(bytes_.data(), kHeaderSize), AttributeIterator(bytes_.data(), counted_end_)};
}

std::optional<RawAttribute> MessageView::find(AttributeType type) const noexcept {
    switch (type) {
        case AttributeType::MessageIntegrity:
            return mi_offset_ == kNone ? std::nullopt : std::optional(*AttributeIterator(bytes_.data(), mi_offset_));
        case AttributeType::MessageIntegritySha256:
            return mi256_offset_ == kNone ? std::nullopt
                                          : std::optional(*AttributeIterator(bytes_.data(), mi256_offset_));
        case AttributeType::Fingerprint:
            return fp_offset_ == kNone ? std::nullopt : std::optional(*AttributeIterator(bytes_.data(), fp_offset_));
        default:
            break;
    }
    const auto wanted = static_cast<std::uint16_t>(type);
    for (const RawAttribute a : attributes())
        if (a.type == wanted) return a;
    return std::nullopt;
}

}  // namespace tern::protocol
