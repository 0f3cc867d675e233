#pragma once
// The only way the project includes QuickFIX.
//
// Debian's QuickFIX 1.15.1 headers declare C++98 dynamic exception specifications
// (`void f() throw( FieldNotFound )`), which are ill-formed from C++17 on. We include every
// standard header QuickFIX uses first, so their own `throw` expressions are compiled normally,
// then define `throw(...)` to nothing around the QuickFIX headers only. A `throw expr;`
// statement inside a QuickFIX inline function has no parentheses directly after `throw` in the
// headers we include (checked), so only the specifications are erased. Overrides of
// FIX::Application methods then need no exception specification.
//
// The library was configured with OpenSSL (HAVE_SSL), std::unique_ptr (SmartPtr) and
// std::shared_ptr; the macros below select the same declarations it was built with.

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <deque>
#include <exception>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <limits>
#include <list>
#include <map>
#include <memory>
#include <queue>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <unistd.h>

#ifndef HAVE_SSL
#define HAVE_SSL 1
#endif
#ifndef HAVE_STD_UNIQUE_PTR
#define HAVE_STD_UNIQUE_PTR 1
#endif
#ifndef HAVE_STD_SHARED_PTR
#define HAVE_STD_SHARED_PTR 1
#endif

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-copy"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#define throw(...)
#include <quickfix/Application.h>
#include <quickfix/DataDictionary.h>
#include <quickfix/FileLog.h>
#include <quickfix/FileStore.h>
#include <quickfix/FixFields.h>
#include <quickfix/FixValues.h>
#include <quickfix/Log.h>
#include <quickfix/Message.h>
#include <quickfix/MessageStore.h>
#include <quickfix/NullStore.h>
#include <quickfix/Parser.h>
#include <quickfix/Session.h>
#include <quickfix/SessionID.h>
#include <quickfix/SessionSettings.h>
#include <quickfix/SocketInitiator.h>
#include <quickfix/ThreadedSSLSocketAcceptor.h>
#include <quickfix/ThreadedSSLSocketInitiator.h>
#include <quickfix/ThreadedSocketAcceptor.h>
#include <quickfix/ThreadedSocketInitiator.h>
#undef throw
#pragma GCC diagnostic pop
