#pragma once
// Every typed attribute, for code that handles whole messages.

#include "protocol/attributes/address.hpp"
#include "protocol/attributes/error_code.hpp"
#include "protocol/attributes/integer.hpp"
#include "protocol/attributes/nat_behavior.hpp"
#include "protocol/attributes/opaque.hpp"
#include "protocol/attributes/password_algorithms.hpp"
#include "protocol/attributes/text.hpp"
#include "protocol/attributes/turn.hpp"
#include "protocol/attributes/unknown_attributes.hpp"
