package ai.backend.client.transport.apache;

import java.net.SocketAddress;
import java.util.Map;
import org.apache.hc.core5.reactor.IOSession;
import org.apache.hc.core5.reactor.IOSessionListener;

/** Keeps the open I/O sessions by local address. */
final class SessionTracker implements IOSessionListener {
  private final Map<SocketAddress, IOSession> sessions;

  SessionTracker(Map<SocketAddress, IOSession> sessions) {
    this.sessions = sessions;
  }

  @Override
  public void connected(IOSession session) {
    SocketAddress local = session.getLocalAddress();
    if (local != null) {
      sessions.put(local, session);
    }
  }

  @Override
  public void disconnected(IOSession session) {
    SocketAddress local = session.getLocalAddress();
    if (local != null) {
      sessions.remove(local, session);
    }
  }

  @Override
  public void startTls(IOSession session) {}

  @Override
  public void inputReady(IOSession session) {}

  @Override
  public void outputReady(IOSession session) {}

  @Override
  public void timeout(IOSession session) {}

  @Override
  public void exception(IOSession session, Exception cause) {}
}
