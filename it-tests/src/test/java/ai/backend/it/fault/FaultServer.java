package ai.backend.it.fault;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ServerSocketFactory;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.QueueDispatcher;

/**
 * A {@link MockWebServer} on a free loopback port that can, when asked, close its connections with
 * a TCP reset instead of a FIN (a zero linger time makes {@code close()} send RST), which
 * MockWebServer alone cannot do: its accepted sockets come from a server socket made here.
 */
final class FaultServer implements AutoCloseable {
  private final MockWebServer server = new MockWebServer();
  private final List<Socket> accepted = new CopyOnWriteArrayList<>();
  private final int port;
  private volatile boolean resetOnClose;

  FaultServer() throws IOException {
    server.setServerSocketFactory(new TrackingFactory());
    // a request beyond the scripted ones gets a distinctive answer instead of waiting forever
    ((QueueDispatcher) server.getDispatcher())
        .setFailFast(new MockResponse.Builder()
            .code(418)
            .setHeader("Content-Type", "application/problem+json")
            .body("{\"type\":\"unscripted\",\"title\":\"request beyond the scripted ones\"}")
            .build());
    server.start(InetAddress.getLoopbackAddress(), 0);
    port = server.getPort();
  }

  /** The endpoint, e.g. {@code http://127.0.0.1:41234}. */
  URI endpoint() {
    return URI.create("http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + port);
  }

  int port() {
    return port;
  }

  void enqueue(MockResponse.Builder response) {
    server.enqueue(response.build());
  }

  /** Requests the server has read (including those it answered with a fault). */
  int requestCount() {
    return server.getRequestCount();
  }

  /** From now on every connection the server closes (socket effects included) is reset. */
  void resetConnectionsOnClose() {
    resetOnClose = true;
    for (Socket s : accepted) {
      setLingerZero(s);
    }
  }

  MockWebServer raw() {
    return server;
  }

  @Override
  public void close() {
    server.close();
  }

  private void track(Socket s) {
    accepted.add(s);
    if (resetOnClose) {
      setLingerZero(s);
    }
  }

  private static void setLingerZero(Socket s) {
    try {
      s.setSoLinger(true, 0);
    } catch (IOException ignored) {
      // already closed: nothing left to reset
    }
  }

  private final class TrackingFactory extends ServerSocketFactory {
    @Override
    public ServerSocket createServerSocket() throws IOException {
      return new ServerSocket() {
        @Override
        public Socket accept() throws IOException {
          Socket s = super.accept();
          track(s);
          return s;
        }
      };
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
      throw new UnsupportedOperationException();
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog) throws IOException {
      throw new UnsupportedOperationException();
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress ifAddress)
        throws IOException {
      throw new UnsupportedOperationException();
    }
  }
}
