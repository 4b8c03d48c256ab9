// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sctpx::Fd: sole owner of one file descriptor, closed on destruction.
 */
#ifndef SCTPX_FD_HPP
#define SCTPX_FD_HPP

#include <utility>

/* The library exports what its public headers declare, nothing else. */
#pragma GCC visibility push(default)

namespace sctpx {

class Fd {
public:
	Fd() noexcept = default;
	explicit Fd(int fd) noexcept : fd_(fd) {}
	Fd(const Fd &) = delete;
	Fd &operator=(const Fd &) = delete;
	Fd(Fd &&o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
	Fd &operator=(Fd &&o) noexcept
	{
		if (this != &o)
			reset(std::exchange(o.fd_, -1));
		return *this;
	}
	~Fd() { reset(); }

	[[nodiscard]] int get() const noexcept { return fd_; }
	[[nodiscard]] bool valid() const noexcept { return fd_ >= 0; }
	explicit operator bool() const noexcept { return valid(); }
	/* Give up ownership: the caller closes the returned descriptor. */
	[[nodiscard]] int release() noexcept { return std::exchange(fd_, -1); }
	/* Close the current descriptor (if any) and own fd instead. */
	void reset(int fd = -1) noexcept;

private:
	int fd_ = -1;
};

} // namespace sctpx

#pragma GCC visibility pop

#endif
