package ai.backend.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A loopback TCP proxy in front of a server that, when armed, breaks one connection after a given
 * number of bytes have gone one way: the bytes up to the limit are forwarded, then both sockets are
 * reset (zero linger), as when a network path dies mid-transfer. One cut per arming; everything else is
 * passed through untouched, so HTTP keep-alive, TLS-less bodies of any size and later reconnects work.
 */
public final class CuttingProxy implements AutoCloseable {
  /** Which way the counted bytes flow. */
  public enum Direction {
    /** Client to server (request bodies: uploads). */
    UP,
    /** Server to client (response bodies: downloads). */
    DOWN
  }

  private record Armed(Direction direction, long bytes) {}

  private final ServerSocket listener;
  private final int targetPort;
  private final Thread acceptor;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final List<Thread> pumps = new CopyOnWriteArrayList<>();
  private final AtomicReference<Armed> armed = new AtomicReference<>();
  private final AtomicInteger cuts = new AtomicInteger();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicLong totalUp = new AtomicLong();
  private final AtomicLong totalDown = new AtomicLong();
  private volatile boolean closed;

  private CuttingProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::accept, "cutting-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** A proxy on a free loopback port forwarding to {@code 127.0.0.1:targetPort}. */
  public static CuttingProxy to(int targetPort) throws IOException {
    return new CuttingProxy(targetPort);
  }

  /** {@code http://127.0.0.1:<port>}. */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + listener.getLocalPort());
  }

  /**
   * The next connection (an open one or a new one) that moves more than {@code bytes} in {@code
   * direction}, counted from now, forwards exactly that many and is then cut.
   */
  public void cutAfter(Direction direction, long bytes) {
    armed.set(new Armed(direction, bytes));
    counters.forEach(c -> c.reset(direction));
  }

  /** How many connections were cut so far. */
  public int cuts() {
    return cuts.get();
  }

  /** How many connections were accepted so far. */
  public int connections() {
    return connections.get();
  }

  /** Bytes forwarded in {@code direction} over all connections so far (headers included). */
  public long bytes(Direction direction) {
    return (direction == Direction.UP ? totalUp : totalDown).get();
  }

  private final List<Counter> counters = new CopyOnWriteArrayList<>();

  /** Bytes moved per direction on one connection since the last arming. */
  private static final class Counter {
    final AtomicLong up = new AtomicLong();
    final AtomicLong down = new AtomicLong();

    void reset(Direction d) {
      (d == Direction.UP ? up : down).set(0);
    }
  }

  private void accept() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      connections.incrementAndGet();
      Socket server = new Socket();
      try {
        server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5000);
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
      } catch (IOException e) {
        quietly(client);
        quietly(server);
        continue;
      }
      sockets.add(client);
      sockets.add(server);
      Counter c = new Counter();
      counters.add(c);
      start(client, server, Direction.UP, c.up, client, server, c);
      start(server, client, Direction.DOWN, c.down, client, server, c);
    }
  }

  private void start(
      Socket from,
      Socket to,
      Direction direction,
      AtomicLong count,
      Socket client,
      Socket server,
      Counter counter) {
    Thread t = new Thread(
        () -> pump(from, to, direction, count, client, server, counter),
        "cutting-proxy-" + direction.name().toLowerCase(java.util.Locale.ROOT));
    t.setDaemon(true);
    pumps.add(t);
    t.start();
  }

  private void pump(
      Socket from,
      Socket to,
      Direction direction,
      AtomicLong count,
      Socket client,
      Socket server,
      Counter counter) { // counter: kept for re-arming while the connection lives
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buf)) > 0) {
        Armed a = armed.get();
        if (a != null && a.direction == direction) {
          long before = count.get();
          long room = a.bytes - before;
          if (room < n && armed.compareAndSet(a, null)) {
            if (room > 0) {
              out.write(buf, 0, (int) room);
              out.flush();
              total(direction).addAndGet(room);
            }
            cuts.incrementAndGet();
            reset(client);
            reset(server);
            return;
          }
          count.addAndGet(n);
        }
        out.write(buf, 0, n);
        out.flush();
        total(direction).addAndGet(n);
      }
      // an orderly end one way: pass it on, the other way may still be talking
      to.shutdownOutput();
    } catch (IOException e) {
      quietly(client);
      quietly(server);
    }
  }

  private AtomicLong total(Direction d) {
    return d == Direction.UP ? totalUp : totalDown;
  }

  private static void reset(Socket s) {
    try {
      s.setSoLinger(true, 0);
    } catch (IOException ignored) {
      // closing below is what counts
    }
    quietly(s);
  }

  private static void quietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  /** Stops accepting and breaks every connection; waits for the proxy's threads to end. */
  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing
    }
    sockets.forEach(CuttingProxy::quietly);
    try {
      acceptor.join(5000);
      for (Thread t : pumps) {
        t.join(5000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
