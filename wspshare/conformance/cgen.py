"""A sequential scenario as a small Windows C program, one process per scenario process.

The first process is the conductor: it starts the others (the same executable, with a role on
its command line and a named pipe to it), then walks the case's one order of steps, running
its own and sending each other step, as a command over the child's pipe, to the process that
owns it.  Messages a step sends on a scenario pipe travel through the conductor (child to
conductor to child, all real pipes), so a protocol info crosses processes as bytes, as it does
in the sources.  Each step's result (the call's return value and ``WSAGetLastError()``, or
what a pipe or network peer step saw) comes back and is printed as one JSON line.

What the model abstracts is made concrete here, the same way in every case: ``connect`` goes
to the loopback peer, ``send`` sends one byte, ``recv`` and ``accept`` wait half a second and
report ``WSAEWOULDBLOCK`` when nothing came (the model's non-blocking answer), ``bind`` takes
an ephemeral loopback port whatever port the case names.
"""

from __future__ import annotations

from wspshare.models.errors import ModelError, WSAError
from wspshare.models.scenario_data.calls import EVENTS, HOW, KINDS, OPTIONS, flag_value
from wspshare.models.scenario_data.schema import Scenario, StepSpec

EXTRA_ERRORS = {
    "WSAEINTR": 10004,
    "WSAEBADF": 10009,
    "WSAEACCES": 10013,
    "WSAEALREADY": 10037,
    "WSAEDESTADDRREQ": 10039,
    "WSAEMSGSIZE": 10040,
    "WSAENETUNREACH": 10051,
    "WSAECONNABORTED": 10053,
    "WSAECONNRESET": 10054,
    "WSAETIMEDOUT": 10060,
    "WSAECONNREFUSED": 10061,
    "WSAEHOSTUNREACH": 10065,
}
PRELUDE = r"""
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <stdio.h>
#include <string.h>
#define NREG 24
#define NPROC 8
#define MAXQ 16
typedef struct { int kind; long long num; WSAPROTOCOL_INFOW info; char token[32]; } msg_t;
typedef struct { int step; DWORD pid; msg_t in; } cmd_t;
typedef struct { char result[48]; long long value; int has_value; msg_t out; } rep_t;
static long long nreg[NREG];
static WSAPROTOCOL_INFOW ireg[NREG];
static int ihave[NREG];
static int peer_port, ctl_port;
static int bound_model[NREG], bound_real[NREG], nbound;
static SOCKET clients[NREG];
static int nclients;
static const char *err_name(int code) {
    static char buf[32];
    switch (code) {
@ERRORS@
    }
    snprintf(buf, sizeof buf, "WSA%d", code);
    return buf;
}
static void set_err(rep_t *r) { strcpy(r->result, err_name(WSAGetLastError())); }
static struct sockaddr_in loopback(int port) {
    struct sockaddr_in a; memset(&a, 0, sizeof a);
    a.sin_family = AF_INET; a.sin_port = htons((u_short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}
static int wait_readable(SOCKET s) {
    fd_set f; struct timeval tv = {0, 500000};
    FD_ZERO(&f); FD_SET(s, &f);
    return select(0, &f, NULL, NULL, &tv);
}
static int real_port(int model_port) {
    for (int i = 0; i < nbound; i++) if (bound_model[i] == model_port) return bound_real[i];
    return 0;
}
static void peer_query(int conn, int want_eof, int want_data, rep_t *r) {
    SOCKET c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    struct sockaddr_in a = loopback(ctl_port);
    char q[32], ans[64]; int n, eof = 0, data = 0;
    if (c == INVALID_SOCKET || connect(c, (struct sockaddr *)&a, sizeof a)) {
        strcpy(r->result, "peer unreachable"); return;
    }
    n = snprintf(q, sizeof q, "Q %d %d\n", conn, want_eof);
    send(c, q, n, 0);
    n = recv(c, ans, sizeof ans - 1, 0);
    closesocket(c);
    if (n <= 0) { strcpy(r->result, "peer unreachable"); return; }
    ans[n] = 0;
    if (strncmp(ans, "none", 4) == 0) { strcpy(r->result, "no such connection"); return; }
    sscanf(ans, "eof=%d data=%d", &eof, &data);
    if (want_eof >= 0 && eof != want_eof) strcpy(r->result, eof ? "eof=true" : "eof=false");
    else if (want_data >= 0 && data != want_data) snprintf(r->result, 48, "data=%d", data);
    else strcpy(r->result, "ok");
}
static void do_step(cmd_t *c, rep_t *r);
static int read_all(HANDLE h, void *p, DWORD n) {
    DWORD got; char *b = p;
    while (n) { if (!ReadFile(h, b, n, &got, NULL) || !got) return 0; b += got; n -= got; }
    return 1;
}
static int write_all(HANDLE h, const void *p, DWORD n) {
    DWORD put; return WriteFile(h, p, n, &put, NULL) && put == n;
}
static void child(int role, const char *pipe_name) {
    HANDLE h = CreateFileA(pipe_name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0,
                           NULL);
    cmd_t c; rep_t r;
    if (h == INVALID_HANDLE_VALUE) ExitProcess(3);
    (void)role;
    while (read_all(h, &c, sizeof c)) {
        if (c.step < 0) break;
        memset(&r, 0, sizeof r);
        do_step(&c, &r);
        write_all(h, &r, sizeof r);
        if (c.step >= 0 && strcmp(r.result, "exiting") == 0) ExitProcess(0);
    }
    ExitProcess(0);
}
static void print_json(int index, const char *proc, rep_t *r) {
    printf("{\"index\": %d, \"process\": \"%s\", \"result\": \"%s\", \"value\": ", index, proc,
           r->result);
    if (r->has_value) printf("%lld}\n", r->value); else printf("null}\n");
    fflush(stdout);
}
"""
MAIN = r"""
int main(int argc, char **argv) {
    WSADATA wsa;
    static msg_t queue[NPROC * 2][MAXQ];
    static int qlen[NPROC * 2];
    HANDLE pipes[NPROC];
    PROCESS_INFORMATION pi[NPROC];
    DWORD pids[NPROC];
    char name[128], cmdline[512], exe[MAX_PATH];
    if (WSAStartup(MAKEWORD(2, 2), &wsa)) { printf("{\"fatal\": \"WSAStartup\"}\n"); return 2; }
    if (argc < 4) return 2;
    peer_port = atoi(argv[2]); ctl_port = atoi(argv[3]);
    if (strcmp(argv[1], "child") == 0 && argc >= 6) { child(atoi(argv[4]), argv[5]); return 0; }
    GetModuleFileNameA(NULL, exe, sizeof exe);
    pids[0] = GetCurrentProcessId();
    for (int k = 1; k < NPROCS; k++) {
        STARTUPINFOA si; memset(&si, 0, sizeof si); si.cb = sizeof si;
        snprintf(name, sizeof name, "\\\\.\\pipe\\wspshare-%lu-%d", pids[0], k);
        pipes[k] = CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE | PIPE_WAIT, 1,
                                    65536, 65536, 0, NULL);
        snprintf(cmdline, sizeof cmdline, "\"%s\" child %d %d %d %s", exe, peer_port, ctl_port,
                 k, name);
        if (!CreateProcessA(exe, cmdline, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi[k])) {
            printf("{\"fatal\": \"CreateProcess %lu\"}\n", GetLastError()); return 2;
        }
        ConnectNamedPipe(pipes[k], NULL);
        pids[k] = pi[k].dwProcessId;
    }
    for (int n = 0; n < NSTEPS; n++) {
        cmd_t c; rep_t r; int p = order_proc[n];
        memset(&c, 0, sizeof c); memset(&r, 0, sizeof r);
        c.step = n;
        if (pid_of[n] >= 0) c.pid = pids[pid_of[n]];
        if (recv_q[n] >= 0) {
            int q = recv_q[n];
            if (qlen[q] == 0) { strcpy(r.result, "broken pipe"); print_json(n, proc_name[p], &r);
                                continue; }
            c.in = queue[q][0];
            memmove(&queue[q][0], &queue[q][1], sizeof(msg_t) * (MAXQ - 1)); qlen[q]--;
        }
        if (alive[p] == 0) { strcpy(r.result, "skipped"); print_json(n, proc_name[p], &r);
                             continue; }
        if (p == 0) do_step(&c, &r);
        else if (!write_all(pipes[p], &c, sizeof c) || !read_all(pipes[p], &r, sizeof r)) {
            strcpy(r.result, "child lost"); alive[p] = 0;
        }
        if (p != 0 && strcmp(r.result, "exiting") == 0) {
            WaitForSingleObject(pi[p].hProcess, 10000); alive[p] = 0; strcpy(r.result, "ok");
        }
        if (send_q[n] >= 0 && qlen[send_q[n]] < MAXQ) {
            int q = send_q[n], reader = send_to[n];
            if (alive[reader]) queue[q][qlen[q]++] = r.out;
        }
        print_json(n, proc_name[p], &r);
    }
    for (int k = 1; k < NPROCS; k++) {
        if (!alive[k]) continue;
        cmd_t c; memset(&c, 0, sizeof c); c.step = -1;
        write_all(pipes[k], &c, sizeof c);
        WaitForSingleObject(pi[k].hProcess, 10000);
    }
    return 0;
}
"""


def c_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _Gen:
    def __init__(self, sc: Scenario) -> None:
        if sc.mode != "sequential":
            raise ModelError(f"{sc.name}: only a sequential case compiles to a program")
        self.sc = sc
        self.regs = [p.registers() for p in sc.processes]
        self.steps = [sc.processes[p].threads[t].steps[i] for p, t, i in sc.order]
        self.procs = [p for p, _, _ in sc.order]
        for step, p in zip(self.steps, self.procs, strict=True):
            if p == 0 and step.op == "exit":
                raise ModelError(f"{sc.name}: the first process conducts the case; it cannot exit")
            if any(t for _, t, _ in sc.order):
                raise ModelError(f"{sc.name}: a compiled case runs one thread per process")

    def reg(self, p: int, name: str) -> int:
        return self.regs[p].index(name)

    def num(self, p: int, arg: object) -> str:
        """A descriptor or pid argument in C: a literal, ``c->pid`` for ``@name``, a register."""
        if isinstance(arg, bool) or arg is None:
            return "0"
        if isinstance(arg, int):
            return f"(long long){arg}"
        if str(arg).startswith("@"):
            return "(long long)c->pid"
        return f"nreg[{self.reg(p, str(arg))}]"

    def pid_of(self, n: int) -> int:
        """The process whose pid step ``n`` names with ``@name`` (-1: none)."""
        step, p = self.steps[n], self.procs[n]
        for key in ("pid", "target"):
            value = step.arg(key)
            if isinstance(value, str) and value.startswith("@"):
                name = value[1:]
                return p if name == "self" else self.sc.process_index(name)
        return -1

    def queue(self, n: int, towards_other: bool) -> tuple[int, int]:
        """The conductor's queue a pipe step of step ``n`` uses, and the reader's process."""
        step, p = self.steps[n], self.procs[n]
        k = self.sc.pipe_index(step.pipe)
        ends = [self.sc.process_index(e) for e in self.sc.pipes[k].ends]
        end = ends.index(p)
        towards = 1 - end if towards_other else end
        return 2 * k + towards, ends[towards]

    def body(self, n: int) -> str:
        step, p = self.steps[n], self.procs[n]
        out = f"nreg[{self.reg(p, step.out)}]" if step.out else "nreg[NREG - 1]"
        if step.op == "call":
            return self.call(step, p, out)
        if step.op == "send":
            if step.arg("pid") is True:
                return (
                    'r->out.kind = 1; r->out.num = GetCurrentProcessId(); strcpy(r->result, "ok");'
                )
            if step.arg("token") is not None:
                return (
                    f"r->out.kind = 3; strcpy(r->out.token, {c_string(str(step.arg('token')))});"
                    ' strcpy(r->result, "ok");'
                )
            i = self.reg(p, str(step.arg("reg")))
            return (
                f"if (ihave[{i}]) {{ r->out.kind = 2; r->out.info = ireg[{i}]; }} "
                f'else {{ r->out.kind = 1; r->out.num = nreg[{i}]; }} strcpy(r->result, "ok");'
            )
        if step.op == "recv":
            store = ""
            if step.out:
                i = self.reg(p, step.out)
                store = (
                    f"if (c->in.kind == 2) {{ ireg[{i}] = c->in.info; ihave[{i}] = 1; }} "
                    f"else {{ nreg[{i}] = c->in.num; ihave[{i}] = 0; }}"
                )
            token = step.arg("token")
            if token is not None:
                return (
                    f"if (c->in.kind != 3 || strcmp(c->in.token, {c_string(str(token))})) "
                    f'snprintf(r->result, 48, "unexpected message %s", c->in.token); '
                    f'else {{ {store} strcpy(r->result, "ok"); }}'
                )
            # no value: a pid that crossed the pipe differs from run to run
            return f'{store} strcpy(r->result, "ok");'
        if step.op == "exit":
            return 'strcpy(r->result, "exiting");'
        if step.op == "peer":
            eof, data = step.arg("eof"), step.arg("data")
            want_eof = -1 if eof is None else int(bool(eof))
            want_data = -1 if data is None else int(data)
            return f"peer_query({step.arg('conn')}, {want_eof}, {want_data}, r);"
        if step.op == "client" and isinstance(step.arg("target"), str):
            d = f"(SOCKET){self.num(p, step.arg('target'))}"
            return (
                "{ struct sockaddr_in a; int len = sizeof a, t = 0, tl = sizeof t; "
                f"if (getsockname({d}, (struct sockaddr *)&a, &len) || "
                f"getsockopt({d}, SOL_SOCKET, SO_TYPE, (char *)&t, &tl)) set_err(r); "
                "else { SOCKET k = socket(AF_INET, t, 0); "
                "a.sin_addr.s_addr = htonl(INADDR_LOOPBACK); "
                'if (t == SOCK_DGRAM) { sendto(k, "d", 1, 0, (struct sockaddr *)&a, sizeof a); '
                'strcpy(r->result, "ok"); } '
                "else if (connect(k, (struct sockaddr *)&a, sizeof a)) "
                'strcpy(r->result, "refused"); '
                'else strcpy(r->result, "ok"); clients[nclients++] = k; } }'
            )
        if step.op == "client":
            port = step.arg("target")
            return (
                "{ SOCKET k = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP); "
                f"struct sockaddr_in a = loopback(real_port({port})); "
                'if (connect(k, (struct sockaddr *)&a, sizeof a)) strcpy(r->result, "refused"); '
                'else { clients[nclients++] = k; strcpy(r->result, "ok"); } }'
            )
        if step.op == "open_process":
            pid = self.num(p, step.arg("target"))
            return (
                "{ HANDLE h = OpenProcess(PROCESS_DUP_HANDLE | SYNCHRONIZE, FALSE, "
                f"(DWORD){pid}); "
                f'if (!h) strcpy(r->result, "WSAEINVAL"); else {{ {out} = (long long)(INT_PTR)h; '
                'strcpy(r->result, "ok"); } }'
            )
        if step.op == "close_handle":
            h = self.num(p, step.arg("target"))
            return (
                f'if (CloseHandle((HANDLE)(INT_PTR){h})) strcpy(r->result, "ok"); '
                'else strcpy(r->result, "ERROR_INVALID_HANDLE");'
            )
        return 'strcpy(r->result, "ok");'  # join, wait: nothing to do in one fixed order

    def call(self, step: StepSpec, p: int, out: str) -> str:
        s = f"(SOCKET){self.num(p, step.arg('s'))}"
        ok = 'strcpy(r->result, "ok");'
        check = f"if (rc == SOCKET_ERROR) set_err(r); else {ok}"
        name = step.call
        if name == "WSPSocket":
            info = step.arg("info")
            kind = str(step.arg("kind", "from-info" if info is not None else "tcp"))
            fam, typ, proto = KINDS.get(kind, KINDS["from-info"])
            if info is None:
                ptr = "NULL"
            elif info == "zero":
                ptr = "&zero"
            else:
                ptr = f"&ireg[{self.reg(p, str(info))}]"
            return (
                f"{{ static WSAPROTOCOL_INFOW zero; SOCKET k = WSASocketW({fam}, {typ}, {proto}, "
                f"{ptr}, 0, WSA_FLAG_OVERLAPPED); "
                f"if (k == INVALID_SOCKET) {{ set_err(r); {out} = 0; }} "
                f"else {{ {out} = (long long)k; {ok} }} }}"
            )
        if name == "WSPDuplicateSocket":
            pid = f"(DWORD){self.num(p, step.arg('pid'))}"
            i = self.reg(p, step.out) if step.out else 0
            ptr = f"&ireg[{i}]" if step.arg("buffer", True) is not False else "NULL"
            return (
                f"{{ int rc = WSADuplicateSocketW({s}, {pid}, {ptr}); "
                f"if (rc == SOCKET_ERROR) {{ set_err(r); ihave[{i}] = 0; }} "
                f"else {{ ihave[{i}] = 1; r->has_value = 1; r->value = "
                f"ireg[{i}].iAddressFamily * 10000 + ireg[{i}].iSocketType * 100 + "
                f"ireg[{i}].iProtocol; {ok} }} }}"
            )
        if name == "WSPCloseSocket":
            return f"{{ int rc = closesocket({s}); {check} }}"
        if name == "WSPConnect":
            return (
                "{ struct sockaddr_in a = loopback(peer_port); "
                f"int rc = connect({s}, (struct sockaddr *)&a, sizeof a); {check} }}"
            )
        if name == "WSPSend":
            return f'{{ int rc = send({s}, "x", 1, 0); {check} }}'
        if name == "WSPRecv":
            return (
                f"{{ char b[16]; int w = wait_readable({s}); int rc; "
                f"if (w == SOCKET_ERROR) set_err(r); "
                f'else if (w == 0) strcpy(r->result, "WSAEWOULDBLOCK"); '
                f"else {{ rc = recv({s}, b, 1, 0); if (rc == SOCKET_ERROR) set_err(r); "
                f"else {{ r->value = rc; r->has_value = 1; {ok} }} }} }}"
            )
        if name in ("WSPSetSockOpt", "WSPGetSockOpt"):
            option = flag_value(step.arg("option", 0), OPTIONS)  # type: ignore[arg-type]
            if name == "WSPSetSockOpt":
                return (
                    f"{{ int v = {int(step.arg('value', 1))}; "  # type: ignore[arg-type]
                    f"int rc = setsockopt({s}, SOL_SOCKET, {option}, (char *)&v, sizeof v); "
                    f"{check} }}"
                )
            return (
                f"{{ int v = 0, len = sizeof v; int rc = getsockopt({s}, SOL_SOCKET, {option}, "
                f"(char *)&v, &len); if (rc == SOCKET_ERROR) set_err(r); "
                f"else {{ r->value = v; r->has_value = 1; {ok} }} }}"
            )
        if name == "WSPEventSelect":
            mask = flag_value(step.arg("mask", 0), EVENTS)  # type: ignore[arg-type]
            return (
                f"{{ WSAEVENT e = WSACreateEvent(); int rc = WSAEventSelect({s}, e, {mask}); "
                f"{check} }}"
            )
        if name == "WSPBind":
            port = int(step.arg("port", 0))  # type: ignore[arg-type]
            return (
                "{ struct sockaddr_in a = loopback(0); int len = sizeof a; "
                f"int rc = bind({s}, (struct sockaddr *)&a, sizeof a); "
                f"if (rc == SOCKET_ERROR) set_err(r); else {{ "
                f"getsockname({s}, (struct sockaddr *)&a, &len); "
                f"bound_model[nbound] = {port}; "
                f"bound_real[nbound++] = ntohs(a.sin_port); {ok} }} }}"
            )
        if name == "WSPListen":
            return f"{{ int rc = listen({s}, {int(step.arg('backlog', 1))}); {check} }}"  # type: ignore[arg-type]
        if name == "WSPAccept":
            return (
                f"{{ int w = wait_readable({s}); SOCKET k; "
                f"if (w == SOCKET_ERROR) set_err(r); "
                f'else if (w == 0) strcpy(r->result, "WSAEWOULDBLOCK"); '
                f"else {{ k = accept({s}, NULL, NULL); if (k == INVALID_SOCKET) set_err(r); "
                f"else {{ {out} = (long long)k; {ok} }} }} }}"
            )
        if name == "WSPSendTo":
            port = int(step.arg("port", 0))  # type: ignore[arg-type]
            return (
                f"{{ int rp = real_port({port}); "
                f"struct sockaddr_in a = loopback(rp ? rp : {port}); "
                f'int rc = sendto({s}, "x", 1, 0, (struct sockaddr *)&a, sizeof a); {check} }}'
            )
        if name == "WSPRecvFrom":
            return (
                f"{{ char b[16]; int w = wait_readable({s}); int rc; "
                f"if (w == SOCKET_ERROR) set_err(r); "
                f'else if (w == 0) strcpy(r->result, "WSAEWOULDBLOCK"); '
                f"else {{ rc = recvfrom({s}, b, sizeof b, 0, NULL, NULL); "
                f"if (rc == SOCKET_ERROR) set_err(r); else {{ {ok} }} }} }}"
            )
        if name == "WSPShutdown":
            how = flag_value(step.arg("how", "SD_BOTH"), HOW)  # type: ignore[arg-type]
            return f"{{ int rc = shutdown({s}, {how}); {check} }}"
        raise ModelError(f"no C rendering of {name}")

    def program(self) -> str:
        sc = self.sc
        errors = {e.name: int(e) for e in WSAError if e is not WSAError.NO_ERROR}
        errors.update(EXTRA_ERRORS)
        cases = "\n".join(
            f'    case {code}: return "{name}";'
            for name, code in sorted(errors.items(), key=lambda kv: kv[1])
        )
        n = len(self.steps)
        recv_q, send_q, send_to = [], [], []
        for k, step in enumerate(self.steps):
            recv_q.append(self.queue(k, False)[0] if step.op == "recv" else -1)
            if step.op == "send":
                q, reader = self.queue(k, True)
                send_q.append(q)
                send_to.append(reader)
            else:
                send_q.append(-1)
                send_to.append(0)
        tables = [
            f"#define NPROCS {len(sc.processes)}",
            f"#define NSTEPS {n}",
            "static const char *proc_name[] = {"
            + ", ".join(c_string(p.name) for p in sc.processes)
            + "};",
            "static int alive[NPROC] = {" + ", ".join("1" for _ in sc.processes) + "};",
            "static const int order_proc[] = {" + ", ".join(map(str, self.procs)) + "};",
            "static const int pid_of[] = {"
            + ", ".join(str(self.pid_of(k)) for k in range(n))
            + "};",
            "static const int recv_q[] = {" + ", ".join(map(str, recv_q)) + "};",
            "static const int send_q[] = {" + ", ".join(map(str, send_q)) + "};",
            "static const int send_to[] = {" + ", ".join(map(str, send_to)) + "};",
        ]
        steps = "\n".join(
            f"    case {k}: /* {str(s)[:60].replace('*/', '')} */\n"
            f"        {self.body(k)}\n        break;"
            for k, s in enumerate(self.steps)
        )
        dispatch = (
            "static void do_step(cmd_t *c, rep_t *r) {\n    switch (c->step) {\n"
            f"{steps}\n    }}\n}}\n"
        )
        header = f"/* generated by wspshare from conformance case {sc.name!r}; do not edit */\n"
        return (
            header + PRELUDE.replace("@ERRORS@", cases) + "\n".join(tables) + "\n" + dispatch + MAIN
        )


def c_program(scenario: Scenario) -> str:
    """The C source of ``scenario`` (a sequential case), for mingw-w64 and ``-lws2_32``."""
    return _Gen(scenario).program()
