// SPDX-License-Identifier: LGPL-2.1-or-later
#include <array>
#include <cstdio>
#include <iostream>

#include "cli.hpp"

namespace sctpx::cli {

int die(std::string_view what, const Error &e)
{
	std::cerr << "sctpx: " << what << ": " << e.message() << '\n';
	return exit_fail;
}

namespace {

std::string quote(std::string_view v)
{
	std::string out = "\"";
	for (const char ch : v) {
		const auto u = static_cast<unsigned char>(ch);
		if (ch == '"' || ch == '\\') {
			out += '\\';
			out += ch;
		} else if (u < 0x20) {
			std::array<char, 8> buf{};
			std::snprintf(buf.data(), buf.size(), "\\u%04x", u);
			out += buf.data();
		} else {
			out += ch;
		}
	}
	return out + '"';
}

} // namespace

std::string cell(std::string_view v, std::size_t w, bool right)
{
	const std::size_t pad = v.size() < w ? w - v.size() : 1;
	return right ? std::string(pad, ' ') + std::string(v) : std::string(v) + std::string(pad, ' ');
}

std::string heard_text(std::uint32_t ms)
{
	return ms == UINT32_MAX ? "never" : std::to_string(ms);
}

/* A separator if needed, then "key": unless the key is empty (array item). */
void Json::key(std::string_view k)
{
	if (!first_)
		out_ += ',';
	first_ = false;
	if (!k.empty())
		out_ += quote(k) + ':';
}

Json &Json::open(std::string_view k)
{
	key(k);
	out_ += '{';
	first_ = true;
	return *this;
}

Json &Json::close()
{
	out_ += '}';
	first_ = false;
	return *this;
}

Json &Json::open_array(std::string_view k)
{
	key(k);
	out_ += '[';
	first_ = true;
	return *this;
}

Json &Json::close_array()
{
	out_ += ']';
	first_ = false;
	return *this;
}

Json &Json::field(std::string_view k, std::string_view v)
{
	key(k);
	out_ += quote(v);
	return *this;
}

Json &Json::field(std::string_view k, std::uint64_t v)
{
	key(k);
	out_ += std::to_string(v);
	return *this;
}

Json &Json::field(std::string_view k, double v)
{
	key(k);
	std::array<char, 32> buf{};
	std::snprintf(buf.data(), buf.size(), "%.3f", v);
	out_ += buf.data();
	return *this;
}

Json &Json::field(std::string_view k, bool v)
{
	key(k);
	out_ += v ? "true" : "false";
	return *this;
}

Json &Json::null(std::string_view k)
{
	key(k);
	out_ += "null";
	return *this;
}

} // namespace sctpx::cli
