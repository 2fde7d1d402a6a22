package ai.backend.it.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.client.Config;
import ai.backend.client.Session;
import ai.backend.client.errors.BackendIoException;
import ai.backend.client.port.TransportException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Against a server that accepts connections and reads requests but never answers, {@link
 * Session#open()} (the negotiation {@code GET /}) ends in a typed {@code READ_TIMEOUT} error at the read
 * timeout, and a thread blocked in it with no read timeout at all ends promptly on interrupt, with both
 * adapters. Without these, an embedding application's thread hangs for ever.
 */
class NoEndlessWaitTest {

  /** Accepts, reads what arrives, never writes; counts requests seen. */
  private static final class MuteServer implements AutoCloseable {
    final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    final CountDownLatch requestSeen = new CountDownLatch(1);
    final CopyOnWriteArrayList<Socket> accepted = new CopyOnWriteArrayList<>();
    private final Thread acceptor = new Thread(this::serve, "mute-server");

    MuteServer() throws IOException {
      acceptor.setDaemon(true);
      acceptor.start();
    }

    private void serve() {
      try {
        while (true) {
          Socket s = socket.accept();
          accepted.add(s);
          Thread reader = new Thread(
              () -> {
                try (s;
                    InputStream in = s.getInputStream()) {
                  if (in.read() >= 0) {
                    requestSeen.countDown();
                  }
                  while (in.read() >= 0) {
                    // swallow the request; answer nothing
                  }
                } catch (IOException closed) {
                  // the client gave up
                }
              },
              "mute-server-conn");
          reader.setDaemon(true);
          reader.start();
        }
      } catch (IOException closed) {
        // close() ends the accept loop
      }
    }

    String endpoint() {
      return "http://127.0.0.1:" + socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      socket.close();
      for (Socket s : accepted) {
        s.close();
      }
    }
  }

  private static Config.Builder config(MuteServer server) {
    return Config.builder()
        .endpoint(server.endpoint())
        .accessKey("AKIAIOSFODNN7EXAMPLE")
        .secretKey("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
        .maxRetries(0);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"apache", "jdk"})
  void openEndsAtTheReadTimeout(String adapter) throws Exception {
    try (MuteServer server = new MuteServer()) {
      Config c = config(server).readTimeout(Duration.ofMillis(700)).build();
      long t0 = System.nanoTime();
      CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
        try (Session s = Session.builder().config(c).transportName(adapter).build()) {
          return null;
        } catch (RuntimeException e) {
          return e;
        }
      });
      Throwable t = outcome.get(20, TimeUnit.SECONDS);
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      BackendIoException e = assertInstanceOf(BackendIoException.class, t);
      assertEquals(
          TransportException.Kind.READ_TIMEOUT, e.transportKind().orElseThrow(), e.getMessage());
      assertTrue(ms >= 600 && ms < 10_000, "ended after " + ms + " ms");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"apache", "jdk"})
  void aBlockedOpenEndsOnInterrupt(String adapter) throws Exception {
    try (MuteServer server = new MuteServer()) {
      Config c =
          config(server).readTimeout(null).callTimeout(null).build(); // nothing would ever end it
      CompletableFuture<Object[]> outcome = new CompletableFuture<>();
      Thread caller = new Thread(
          () -> {
            try (Session s = Session.builder().config(c).transportName(adapter).build()) {
              outcome.complete(new Object[] {null, false});
            } catch (RuntimeException e) {
              outcome.complete(new Object[] {e, Thread.currentThread().isInterrupted()});
            }
          },
          "blocked-open");
      caller.start();
      assertTrue(server.requestSeen.await(10, TimeUnit.SECONDS), "the request reached the server");
      Thread.sleep(200); // let the caller block in its read
      long t0 = System.nanoTime();
      caller.interrupt();
      Object[] o = outcome.get(10, TimeUnit.SECONDS);
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertTrue(ms < 2000, "took " + ms + " ms to end");
      BackendIoException e = assertInstanceOf(BackendIoException.class, o[0]);
      assertEquals(
          TransportException.Kind.CANCELLED, e.transportKind().orElseThrow(), e.getMessage());
      assertEquals(Boolean.TRUE, o[1], "the interrupt status was lost");
      caller.join(5000);
    }
  }
}
