// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sctpx-clitest check-*: the CLI's output against what the holder saw of
 * its own associations (DIR/view). Every check prints what it compared
 * ("# ...") and fails on anything missing, extra, malformed or different.
 */
#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli_test.hpp"

namespace sctpx::clitest {

namespace {

using nlohmann::json;

int failures = 0;

void bad(const std::string &what)
{
	std::cout << "# FAIL: " << what << '\n';
	failures++;
}

std::string slurp(const std::string &file)
{
	std::ifstream in(file);
	std::stringstream s;
	s << in.rdbuf();
	return s.str();
}

std::string hex(std::uint32_t v)
{
	std::ostringstream s;
	s << std::hex << v;
	return s.str();
}

/* Where json j lacks key or holds another type there: a failure. */
bool has(const json &j, const char *key, json::value_t t, const std::string &where)
{
	const auto it = j.find(key);
	if (it == j.end()) {
		bad(where + ": no \"" + key + "\"");
		return false;
	}
	const bool ok = it->type() == t ||
			(t == json::value_t::number_unsigned && it->type() == json::value_t::number_integer &&
			 it->get<long long>() >= 0);
	if (!ok)
		bad(where + ": \"" + key + "\" is " + it->type_name());
	return ok;
}

const ViewRow *find_row(const std::vector<ViewRow> &v, int fd, std::uint32_t id)
{
	const auto it = std::find_if(v.begin(), v.end(),
				     [&](const ViewRow &r) { return r.fd == fd && r.id == id; });
	return it == v.end() ? nullptr : &*it;
}

const ViewRow *by_role(const std::vector<ViewRow> &v, const std::string &role)
{
	const auto it = std::find_if(v.begin(), v.end(), [&](const ViewRow &r) { return r.role == role; });
	return it == v.end() ? nullptr : &*it;
}

int verdict(const std::string &what, std::size_t checked)
{
	if (checked == 0)
		bad(what + ": nothing was checked");
	std::cout << "# " << what << ": " << checked << " checked, " << failures << " failures\n";
	return failures == 0 ? 0 : 1;
}

/* Rows of a whitespace table under a header whose first word is "FD". */
struct Table {
	std::vector<std::string> head;
	std::vector<std::vector<std::string>> rows;
	[[nodiscard]] std::string cell(const std::vector<std::string> &row, const std::string &col) const
	{
		const auto it = std::find(head.begin(), head.end(), col);
		if (it == head.end())
			return "<no column " + col + ">";
		const auto i = static_cast<std::size_t>(it - head.begin());
		return i < row.size() ? row[i] : "<short row>";
	}
	/* The last column, PEERS, with the words it may hold. */
	[[nodiscard]] std::string peers(const std::vector<std::string> &row) const
	{
		std::string out;
		for (std::size_t i = head.size() - 1; i < row.size(); i++)
			out += (out.empty() ? "" : " ") + row[i];
		return out;
	}
};

std::vector<std::string> words(const std::string &line)
{
	std::istringstream in(line);
	std::vector<std::string> out;
	for (std::string w; in >> w;)
		out.push_back(w);
	return out;
}

/* The tables of text, one per block; a block ends at an empty line or a new header. */
std::vector<Table> tables(const std::string &text)
{
	std::vector<Table> out;
	std::istringstream in(text);
	bool open = false;
	for (std::string line; std::getline(in, line);) {
		auto w = words(line);
		if (!w.empty() && w[0] == "FD") {
			out.push_back({w, {}});
			open = true;
		} else if (w.empty() || !std::isdigit(static_cast<unsigned char>(w[0][0]))) {
			open = false;
		} else if (open) {
			out.back().rows.push_back(w);
		}
	}
	return out;
}

/* file as JSON, strictly; false (and why) if it is not JSON. */
bool parse(const std::string &file, json &j)
{
	try {
		j = json::parse(slurp(file));
	} catch (const json::parse_error &e) {
		std::cout << "# FAIL: " << file << " is not JSON: " << e.what() << '\n';
		return false;
	}
	return true;
}

} // namespace

std::vector<ViewRow> read_view(const std::string &dir)
{
	std::ifstream in(dir + "/view");
	std::vector<ViewRow> out;
	for (std::string line; std::getline(in, line);) {
		std::istringstream l(line);
		ViewRow r;
		if (!(l >> r.fd >> r.id >> r.state >> r.lport >> r.pport >> r.ltag >> r.ptag >> r.role)) {
			std::cout << "# FAIL: malformed view line: " << line << '\n';
			std::exit(1);
		}
		out.push_back(r);
	}
	if (out.empty()) {
		std::cout << "# FAIL: no view in " << dir << '\n';
		std::exit(1);
	}
	return out;
}

int check_assocs(const std::string &dir, const std::string &file, const std::string &path)
{
	const auto view = read_view(dir);
	json j;
	if (!parse(file, j))
		return 1;
	const bool module = path == "module";
	const auto U = json::value_t::number_unsigned;
	if (!j.is_object() || !has(j, "pid", U, "top level") ||
	    !has(j, "sockets", json::value_t::array, "top level"))
		return verdict("assocs --json", 0);
	/* Every field, of its type; the module's figures null on the fallback. */
	struct Seen {
		std::uint32_t ltag, ptag;
		unsigned lport, pport;
	};
	std::vector<Seen> seen;
	std::size_t matched = 0;
	std::size_t listed = 0;
	for (const json &s : j["sockets"]) {
		if (!has(s, "fd", U, "socket") || !has(s, "type", json::value_t::string, "socket") ||
		    !has(s, "path", json::value_t::string, "socket") ||
		    !has(s, "assocs", json::value_t::array, "socket"))
			continue;
		const int fd = s["fd"].get<int>();
		const std::string where = "fd " + std::to_string(fd);
		if (s["path"] != path)
			bad(where + ": path " + s["path"].get<std::string>() + ", not " + path);
		for (const json &a : s["assocs"]) {
			listed++;
			bool ok = true;
			for (const char *k : {"id", "local_port", "peer_port", "peer_addr_count", "instreams",
					      "outstreams", "data_in", "data_out", "packets_in",
					      "packets_out", "rtx_chunks", "peer_rwnd"})
				ok = has(a, k, U, where) && ok;
			ok = has(a, "state", json::value_t::string, where) && ok;
			ok = has(a, "peer_addrs", json::value_t::array, where) && ok;
			ok = has(a, "peer_addrs_cut", json::value_t::boolean, where) && ok;
			for (const char *k : {"local_vtag", "peer_vtag", "outstanding", "queued", "heard_ms"})
				ok = has(a, k, module ? U : json::value_t::null, where) && ok;
			if (!ok)
				continue;
			if (a["peer_addrs"].empty() || !a["peer_addrs"][0].is_string())
				bad(where + ": no peer address strings");
			const auto id = a["id"].get<std::uint32_t>();
			const ViewRow *r = find_row(view, fd, id);
			if (r == nullptr) {
				bad(where + " id " + std::to_string(id) + ": not an association of the holder");
				continue;
			}
			const std::string at = where + " id " + std::to_string(id) + " (" + r->role + ")";
			if (a["state"] != r->state)
				bad(at + ": state " + a["state"].get<std::string>() + ", holder " + r->state);
			if (a["local_port"] != r->lport || a["peer_port"] != r->pport)
				bad(at + ": ports differ from the holder's");
			if (module && (a["local_vtag"] != r->ltag || a["peer_vtag"] != r->ptag))
				bad(at + ": vtags " + hex(a["local_vtag"]) + "/" + hex(a["peer_vtag"]) +
				    ", holder " + hex(r->ltag) + "/" + hex(r->ptag));
			if (module && (r->ltag == 0 || r->ptag == 0))
				bad(at + ": a zero vtag");
			/* The module lists 8 of the 10 and says so; the fallback all. */
			const std::size_t shown = a["peer_addrs"].size();
			const bool cut = a["peer_addrs_cut"];
			if (r->role == "server-multi" &&
			    (a["peer_addr_count"] != 10 || shown != (module ? 8U : 10U) || cut != module))
				bad(at + ": " + std::to_string(shown) + " of " +
				    a["peer_addr_count"].dump() + " peer addresses, cut " +
				    (cut ? "true" : "false"));
			if (r->role != "server-multi" && (a["peer_addr_count"] != 1 || shown != 1 || cut))
				bad(at + ": not one peer address, uncut");
			if (module)
				seen.push_back({a["local_vtag"], a["peer_vtag"], r->lport, r->pport});
			matched++;
		}
	}
	if (listed != view.size())
		bad(std::to_string(listed) + " associations listed, the holder has " +
		    std::to_string(view.size()));
	/* Both ends are the holder's: each side's tag is the other's ptag. */
	std::size_t ends = 0;
	for (const Seen &a : seen)
		for (const Seen &b : seen)
			if (a.lport == b.pport && a.pport == b.lport) {
				ends++;
				if (a.ltag != b.ptag)
					bad("port " + std::to_string(a.lport) + ": tag " + hex(a.ltag) +
					    ", its peer's ptag " + hex(b.ptag));
			}
	if (module && ends != seen.size())
		bad(std::to_string(ends) + " of " + std::to_string(seen.size()) +
		    " associations have their other end listed");
	std::cout << "# " << matched << " associations matched the holder's view, " << ends
		  << " tag/ptag pairs checked end to end\n";
	return verdict("assocs --json", matched);
}

int check_text(const std::string &dir, const std::string &file, const std::string &path)
{
	const auto view = read_view(dir);
	const std::string text = slurp(file);
	const auto t = tables(text);
	if (text.find("listed by: " + path) == std::string::npos)
		bad("no \"listed by: " + path + "\"");
	if (t.size() != 1)
		bad(std::to_string(t.size()) + " tables, not 1");
	std::size_t checked = 0;
	for (const Table &tb : t) {
		if (tb.rows.size() != view.size())
			bad(std::to_string(tb.rows.size()) + " rows, the holder has " +
			    std::to_string(view.size()));
		for (const auto &row : tb.rows) {
			const int fd = std::stoi(row[0]);
			const auto id = static_cast<std::uint32_t>(std::stoul(tb.cell(row, "ID")));
			const ViewRow *r = find_row(view, fd, id);
			if (r == nullptr) {
				bad("row fd " + row[0] + " id " + tb.cell(row, "ID") + ": not the holder's");
				continue;
			}
			const bool module = path == "module";
			const bool says_cut = tb.peers(row).find("(+2 more, list cut)") != std::string::npos;
			if ((r->role == "server-multi" && module) != says_cut)
				bad("row fd " + row[0] + " id " + tb.cell(row, "ID") + " (" + r->role +
				    "): peers " + tb.peers(row));
			const std::string want_tag = module ? hex(r->ltag) : "-";
			const std::string want_ptag = module ? hex(r->ptag) : "-";
			if (tb.cell(row, "STATE") != r->state ||
			    tb.cell(row, "LPORT") != std::to_string(r->lport) ||
			    tb.cell(row, "PPORT") != std::to_string(r->pport) ||
			    tb.cell(row, "TAG") != want_tag || tb.cell(row, "PTAG") != want_ptag)
				bad("row fd " + row[0] + " id " + tb.cell(row, "ID") + " (" + r->role +
				    "): " + tb.cell(row, "STATE") + " " + tb.cell(row, "LPORT") + " " +
				    tb.cell(row, "PPORT") + " tag " + tb.cell(row, "TAG") + " ptag " +
				    tb.cell(row, "PTAG") + ", holder " + r->state + " " +
				    std::to_string(r->lport) + " " + std::to_string(r->pport) + " " +
				    want_tag + " " + want_ptag);
			checked++;
		}
	}
	return verdict("assocs text", checked);
}

int check_top(const std::string &dir, const std::string &file, unsigned count,
	      const std::string &path)
{
	const auto view = read_view(dir);
	const std::string text = slurp(file);
	if (text.find('\x1b') != std::string::npos)
		bad("an escape code in plain output");
	std::size_t blocks = 0;
	for (std::size_t p = text.find("sctpx top: "); p != std::string::npos;
	     p = text.find("sctpx top: ", p + 1))
		blocks++;
	if (blocks != count)
		bad(std::to_string(blocks) + " refreshes, not " + std::to_string(count));
	const auto t = tables(text);
	if (t.size() != count || t.size() < 2)
		return verdict("top", 0);
	/* The window, as the header says: "stalled after 2 s". */
	const std::string after = "stalled after ";
	const std::size_t w = text.find(after);
	const double window = w == std::string::npos ? 0 : std::stod(text.substr(w + after.size()));
	if (window <= 0)
		bad("no \"stalled after N s\" in the header");
	const Table &last = t.back();
	const bool module = path == "module";
	std::size_t checked = 0;
	/* The window counts from the first refresh: nothing is stalled there. */
	for (const auto &row : t.front().rows)
		if (t.front().cell(row, "STALLED") == "yes")
			bad("fd " + row[0] + " stalled at the first refresh");
	double prev = 1e18;
	for (const auto &row : last.rows) {
		const double rate = std::stod(last.cell(row, "DATA_IN/s")) +
				    std::stod(last.cell(row, "DATA_OUT/s"));
		if (rate > prev)
			bad("rows not busiest first");
		prev = rate;
		const ViewRow *r = find_row(view, std::stoi(row[0]),
					    static_cast<std::uint32_t>(std::stoul(last.cell(row, "ID"))));
		if (r == nullptr) {
			bad("row fd " + row[0] + ": not the holder's");
			continue;
		}
		const std::string st = last.cell(row, "STALLED");
		std::cout << "# " << r->role << " fd " << r->fd << " id " << r->id << ": in/out "
			  << last.cell(row, "DATA_IN/s") << "/" << last.cell(row, "DATA_OUT/s")
			  << " outstanding " << last.cell(row, "OUTSTANDING") << " queued "
			  << last.cell(row, "QUEUED") << " heard " << last.cell(row, "HEARD_MS")
			  << " stalled " << st << '\n';
		const std::string want = !module ? "-" : r->role == "stalled" ? "yes" : "no";
		if (st != want)
			bad(r->role + " fd " + row[0] + ": stalled " + st + ", not " + want);
		if (r->role == "flow" && std::stod(last.cell(row, "DATA_OUT/s")) <= 0)
			bad("the flowing association shows no DATA out");
		if (r->role == "stalled" && rate != 0)
			bad("the stalled association shows DATA moving");
		/*
		 * The verdict's grounds, read from the row itself: data waiting,
		 * idle for the window, and the peer (which stopped reading)
		 * heard within it: its SACKs of the window probes and its
		 * heartbeat acks still arrive.
		 */
		if (r->role == "stalled" && module) {
			const std::string heard = last.cell(row, "HEARD_MS");
			const bool digits = !heard.empty() &&
					    heard.find_first_not_of("0123456789") == std::string::npos;
			if (std::stoul(last.cell(row, "OUTSTANDING")) + std::stoul(last.cell(row, "QUEUED")) == 0)
				bad("the stalled association has nothing outstanding or queued");
			if (std::stod(last.cell(row, "IDLE_S")) < window)
				bad("the stalled association idle " + last.cell(row, "IDLE_S") + " s, under the window");
			if (!digits || std::stod(heard) >= window * 1000)
				bad("the stalled association's peer not heard within the window: " + heard);
		}
		checked++;
	}
	if (last.rows.size() != view.size())
		bad(std::to_string(last.rows.size()) + " rows, the holder has " +
		    std::to_string(view.size()));
	if (by_role(view, "stalled") == nullptr || by_role(view, "flow") == nullptr)
		bad("the holder has no stalled or no flowing association");
	return verdict("top", checked);
}

int check_empty(const std::string &file, long pid)
{
	json j;
	if (!parse(file, j))
		return 1;
	const bool ok = j.is_object() && j.size() == 2 && j.value("pid", -1L) == pid &&
			j.contains("sockets") && j["sockets"].is_array() && j["sockets"].empty();
	if (!ok)
		bad("not {\"pid\":" + std::to_string(pid) + ",\"sockets\":[]}: " + j.dump());
	return verdict("empty process", 1);
}

} // namespace sctpx::clitest
