# Terminal helper of the local server: runs a command on a new pseudo-terminal and relays it.
#   usage: python3 pty_helper.py ROWS COLS COMMAND [ARG...]
# The command becomes a session leader (setsid) with the pty slave as its controlling terminal.
# Java -> helper (stdin), frames <kind byte><payload length: 4 bytes big-endian><payload>:
#   d: bytes for the terminal (keystrokes), r: window size (rows, cols as two big-endian uint16).
# helper -> Java: stdout = raw terminal output; stderr: first line "pid <command pid>", then errors.
# Exit status: the command's (128 + signal when killed). Stdin EOF hangs the terminal up.
import os, sys, pty, fcntl, termios, struct, signal, select


def winsize(fd, rows, cols):
    # on the master this makes the kernel send SIGWINCH to the terminal's foreground process group
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))


def write_all(fd, data):
    while data:
        data = data[os.write(fd, data):]


def exit_code(status):
    if os.WIFEXITED(status):
        return os.WEXITSTATUS(status)
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return 1


def child(slave, argv):
    try:
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        for fd in (0, 1, 2):
            os.dup2(slave, fd)
        os.closerange(3, 65536)
        # python ignores some signals, and so may whoever started the server (a script's background
        # job ignores SIGINT and SIGQUIT, nohup SIGHUP); ignored signals survive exec, so the shell
        # and every program typed into it would inherit them: Ctrl-C would do nothing
        for sig in signal.valid_signals():
            try:
                signal.signal(sig, signal.SIG_DFL)
            except (OSError, ValueError):
                pass
        os.execvp(argv[0], argv)
    except BaseException as e:
        os.write(2, ('cannot start %s: %s\r\n' % (argv[0], e)).encode('utf-8', 'replace'))
    os._exit(127)


def main():
    rows, cols, argv = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
    master, slave = pty.openpty()
    winsize(master, rows, cols)
    # Ctrl-C in the JVM's terminal must not kill the helper; the Java side stops it
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    pid = os.fork()
    if pid == 0:
        child(slave, argv)
    os.close(slave)
    os.write(2, b'pid %d\n' % pid)
    # SIGCHLD wakes select through this pipe: the command may exit while background jobs still hold
    # the terminal open, so "no more output" alone does not tell us it ended
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda s, f: None)
    os.set_blocking(master, False)
    inbuf = b''
    pending = b''
    stdin_open = True
    status = None
    while status is None:
        readers = [wake_r, master] + ([0] if stdin_open else [])
        r, w, _ = select.select(readers, [master] if pending else [], [])
        if wake_r in r:
            try:
                os.read(wake_r, 512)
            except BlockingIOError:
                pass
            done, st = os.waitpid(pid, os.WNOHANG)
            if done:
                status = st
        if master in r or status is not None:
            try:
                while True:
                    data = os.read(master, 65536)
                    if not data:
                        break
                    write_all(1, data)
                    if status is None:
                        break
            except BlockingIOError:
                pass
            except OSError:
                # EIO: every process closed the slave side
                if status is None:
                    break
        if 0 in r:
            chunk = os.read(0, 65536)
            if not chunk:
                stdin_open = False
                os.killpg(pid, signal.SIGHUP)
                break
            inbuf += chunk
            while len(inbuf) >= 5:
                kind, n = inbuf[0:1], struct.unpack('>I', inbuf[1:5])[0]
                if len(inbuf) < 5 + n:
                    break
                payload, inbuf = inbuf[5:5 + n], inbuf[5 + n:]
                if kind == b'd':
                    pending += payload
                elif kind == b'r' and n == 4:
                    r_rows, r_cols = struct.unpack('>HH', payload)
                    winsize(master, r_rows, r_cols)
        if pending and master in w:
            try:
                pending = pending[os.write(master, pending):]
            except BlockingIOError:
                pass
    if status is None and stdin_open:
        # the terminal was closed from the inside: the command is ending (or keeps running without a
        # terminal, in which case the Java side kills it)
        try:
            status = os.waitpid(pid, 0)[1]
        except ChildProcessError:
            pass
    os._exit(exit_code(status) if status is not None else 0)


if __name__ == '__main__':
    main()
