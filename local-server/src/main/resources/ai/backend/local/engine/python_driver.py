# Query-mode driver of the local server's python kernel: runs snippets in one persistent
# __main__ namespace and talks to the Java side over its original stdin/stdout with frames
#   <kind byte><decimal payload length>\n<utf-8 payload>
# Java -> driver: x (exec code), i (input line), c (complete text).
# driver -> Java: r (ready, pid), o/e (user stdout/stderr), i (waiting for input, "0"/"1" password),
#                 d (snippet done, exit code), c (completions, one per line).
# Keep imports minimal: kernel start time matters.
import sys, os, signal, builtins, types, _thread

_pin = os.fdopen(os.dup(0), 'rb')
_pout = os.dup(1)
# Subprocesses and raw fd writes must not corrupt the protocol: fd 0 becomes /dev/null and fd 1 the
# stderr pipe (the Java side attributes that pipe's text to the current run).
_nul = os.open(os.devnull, os.O_RDONLY)
os.dup2(_nul, 0)
os.close(_nul)
os.dup2(2, 1)
_lock = _thread.allocate_lock()


def _send(kind, text):
    b = text.encode('utf-8', 'replace')
    buf = b'%c%d\n' % (kind, len(b)) + b
    with _lock:
        while buf:
            n = os.write(_pout, buf)
            buf = buf[n:]


def _recv():
    h = _pin.readline()
    if not h:
        os._exit(0)
    n = int(h[1:])
    return h[0:1], _pin.read(n).decode('utf-8', 'replace')


class _Bytes:
    def __init__(self, out):
        self._out = out

    def write(self, b):
        self._out.write(bytes(b).decode('utf-8', 'replace'))
        return len(b)

    def flush(self):
        pass


class _Out:
    """sys.stdout/sys.stderr replacement: every write is sent at once (no buffering)."""
    encoding = 'utf-8'
    errors = 'replace'
    closed = False

    def __init__(self, kind, fd):
        self._kind = kind
        self._fd = fd
        self.buffer = _Bytes(self)

    def write(self, s):
        if not isinstance(s, str):
            raise TypeError('write() argument must be str, not %s' % type(s).__name__)
        if s:
            _send(self._kind, s)
        return len(s)

    def writelines(self, lines):
        for s in lines:
            self.write(s)

    def flush(self):
        pass

    def isatty(self):
        return False

    def fileno(self):
        return self._fd

    def readable(self):
        return False

    def writable(self):
        return True


_stdout = sys.stdout = sys.__stdout__ = _Out(ord('o'), 1)
_stderr = sys.stderr = sys.__stderr__ = _Out(ord('e'), 2)
_running = False


def _sigint(signum, frame):
    # Only interrupt user code; an idle driver ignores SIGINT.
    if _running:
        raise KeyboardInterrupt


signal.signal(signal.SIGINT, _sigint)


def _ask(prompt, password):
    if prompt:
        _send(ord('o'), str(prompt))
    _send(ord('i'), '1' if password else '0')
    while True:
        kind, data = _recv()
        if kind == b'i':
            return data


def _input(prompt=''):
    return _ask(prompt, False)


def _getpass(prompt='Password: ', stream=None):
    return _ask(prompt, True)


builtins.input = _input
import getpass  # noqa: E402  (cheap: its dependencies are already loaded)
getpass.getpass = _getpass

_main = types.ModuleType('__main__')
_main.__builtins__ = builtins
sys.modules['__main__'] = _main
_ns = _main.__dict__


def _exit_code(code):
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    try:
        _stderr.write(str(code) + '\n')
    except Exception:
        pass
    return 1


def _print_exc(e, skip_driver_frame):
    import traceback
    tb = e.__traceback__
    if skip_driver_frame and tb is not None:
        tb = tb.tb_next
    try:
        traceback.print_exception(type(e), e, tb, file=_stderr)
    except Exception:
        _stderr.write('%s: %s\n' % (type(e).__name__, e))


def _run(code):
    global _running
    rc = 0
    try:
        try:
            compiled = compile(code, '<input>', 'exec')
        except (SyntaxError, ValueError) as e:
            _print_exc(e, False)
            rc = 1
        else:
            _running = True
            try:
                exec(compiled, _ns)
            finally:
                _running = False
    except SystemExit as e:
        rc = _exit_code(e.code)
    except KeyboardInterrupt as e:
        _print_exc(e, True)
        rc = 130
    except BaseException as e:
        _print_exc(e, True)
        rc = 1
    _send(ord('d'), str(rc))


def _complete(text):
    out = []
    try:
        import re
        import rlcompleter
        m = re.search(r'[\w.]*$', text)
        token = m.group(0) if m else ''
        if token:
            c = rlcompleter.Completer(_ns)
            i = 0
            while i < 1000:
                s = c.complete(token, i)
                if s is None:
                    break
                if s not in out:
                    out.append(s)
                i += 1
    except BaseException:
        pass
    _send(ord('c'), '\n'.join(out))


_send(ord('r'), str(os.getpid()))
while True:
    try:
        kind, data = _recv()
        if kind == b'x':
            _run(data)
        elif kind == b'c':
            _complete(data)
    except KeyboardInterrupt:
        pass
