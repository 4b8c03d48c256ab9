// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sctpx::Error and sctpx::Result<T>: errors as values.
 *
 * Every fallible call of the library returns a Result. An Error is an
 * errno (std::error_code in std::system_category(), so it compares equal
 * to std::errc values) plus the kernel's extended-ack message, when there
 * was one. No call throws for bad input or for a kernel refusal; the only
 * exceptions that can escape are std::bad_alloc from the standard library
 * containers, as anywhere else in C++.
 *
 * std::expected would do, but it is C++23 and the toolchain of Debian 12
 * (g++ 12, clang-tidy 14) does not have it.
 */
#ifndef SCTPX_RESULT_HPP
#define SCTPX_RESULT_HPP

#include <string>
#include <system_error>
#include <utility>
#include <variant>

/* The library exports what its public headers declare, nothing else. */
#pragma GCC visibility push(default)

namespace sctpx {

struct Error {
	std::error_code code;
	/* The kernel's (or the fallback's equivalent) explanation; may be empty. */
	std::string extack;

	Error() = default;
	Error(int errnum, std::string msg = {})
		: code(errnum, std::system_category()), extack(std::move(msg))
	{
	}
	[[nodiscard]] int errnum() const noexcept { return code.value(); }
	/* "strerror: extack" or just "strerror". */
	[[nodiscard]] std::string message() const;
	friend bool operator==(const Error &a, const Error &b) noexcept
	{
		return a.code == b.code && a.extack == b.extack;
	}
};

/*
 * A T or an Error. Accessing value() of an error (or error() of a value) is
 * a precondition violation, like std::optional::operator*: check ok() first.
 */
template <typename T>
class [[nodiscard]] Result {
public:
	Result(T v) : v_(std::in_place_index<0>, std::move(v)) {}
	Result(Error e) : v_(std::in_place_index<1>, std::move(e)) {}

	[[nodiscard]] bool ok() const noexcept { return v_.index() == 0; }
	explicit operator bool() const noexcept { return ok(); }

	[[nodiscard]] T &value() & { return *std::get_if<0>(&v_); }
	[[nodiscard]] const T &value() const & { return *std::get_if<0>(&v_); }
	[[nodiscard]] T &&value() && { return std::move(*std::get_if<0>(&v_)); }
	T &operator*() & { return value(); }
	const T &operator*() const & { return value(); }
	T *operator->() { return std::get_if<0>(&v_); }
	const T *operator->() const { return std::get_if<0>(&v_); }

	[[nodiscard]] const Error &error() const & { return *std::get_if<1>(&v_); }
	[[nodiscard]] Error &&error() && { return std::move(*std::get_if<1>(&v_)); }

private:
	std::variant<T, Error> v_;
};

/* Success without a value. */
template <>
class [[nodiscard]] Result<void> {
public:
	Result() = default;
	Result(Error e) : err_(std::move(e)), failed_(true) {}

	[[nodiscard]] bool ok() const noexcept { return !failed_; }
	explicit operator bool() const noexcept { return ok(); }
	[[nodiscard]] const Error &error() const & { return err_; }
	[[nodiscard]] Error &&error() && { return std::move(err_); }

private:
	Error err_;
	bool failed_ = false;
};

} // namespace sctpx

#pragma GCC visibility pop

#endif
