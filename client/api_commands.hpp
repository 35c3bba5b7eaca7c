#pragma once
// The `tern` commands that talk to ternd's HTTP API:
//   identity create [--scope S]... [--minutes N]   identity delete --id ID
//   token issue --id ID --scope S... [--minutes N] token revoke --id ID
//   relay-config [--token T] [--id ID] [--ttl S] [--route-type any|nearest]
// each with [--connection-string S] (else $TERN_CONNECTION_STRING) and [--insecure]. A reply's JSON
// goes to stdout; an error's to stderr, with exit status 1 (2 for a usage error).

#include <span>
#include <string_view>

namespace tern::client {

extern const std::string_view kApiUsage;

// Whether `command` (the first argument) names one of these commands.
bool is_api_command(std::string_view command);

// Runs one: `args` are the arguments after the program name. Returns the exit status.
int run_api_command(std::span<const std::string_view> args);

}  // namespace tern::client
