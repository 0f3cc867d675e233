#pragma once
// `qdctl hash-password`: turns a password typed by the operator into the argon2id PHC string a
// session's auth.password_hash takes. Runs locally; the password never leaves the process.

#include <cstdio>
#include <optional>
#include <string>

namespace qd::admin {

/// libsodium's interactive limits, the ones the quickstart's hashes use and the FIX logon
/// verifies within a few tens of milliseconds: "$argon2id$v=19$m=65536,t=2,p=1$...".
std::optional<std::string> hash_password(const std::string& password, std::string& error);

/// Reads a password from `in`. On a terminal: prompts on stderr with echo off, twice, and
/// fails when the two differ; otherwise reads one line (without its line end). Fails on an
/// empty password. The buffers holding it are wiped before returning.
std::optional<std::string> read_password(std::FILE* in, std::string& error);

/// The hash-password command: 0 with the hash on stdout, 1 with the reason on stderr.
int hash_password_main();

}  // namespace qd::admin
