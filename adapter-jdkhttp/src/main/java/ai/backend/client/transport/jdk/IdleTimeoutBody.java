package ai.backend.client.transport.jdk;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body read as an {@link InputStream} whose every read waits at most the idle timeout for
 * bytes ({@code java.net.http}'s own timeout ends with the headers, and {@code ofInputStream()} then
 * waits for ever). It also ends a blocked read promptly when the stream is closed from another thread
 * or the reading thread is interrupted. One reader at a time; buffers at most {@link #WINDOW} chunks
 * (the client's buffers, 16 KiB by default): asking for one chunk at a time made the client's selector
 * thread and the reader wait for each other on every chunk, which capped downloads well below what
 * the connection carries.
 */
final class IdleTimeoutBody extends InputStream implements BodySubscriber<InputStream> {
  private static final Object END = new Object();
  private static final Object CLOSED = new Object();
  static final int WINDOW = 8;

  private final long idleNanos; // 0: no timeout
  private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final CompletableFuture<InputStream> body = CompletableFuture.completedFuture(this);
  private volatile Flow.Subscription subscription;
  private volatile boolean closed;
  private Iterator<ByteBuffer> chunk = List.<ByteBuffer>of().iterator();
  private ByteBuffer current;
  private boolean eof;

  IdleTimeoutBody(Duration idle) {
    this.idleNanos = idle == null ? 0 : idle.toNanos();
  }

  // --- BodySubscriber (called by the HTTP client) ---------------------------------------------

  @Override
  public CompletionStage<InputStream> getBody() {
    return body;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (closed) {
      s.cancel();
    } else {
      s.request(WINDOW);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    queue.offer(item);
  }

  @Override
  public void onError(Throwable t) {
    queue.offer(t);
  }

  @Override
  public void onComplete() {
    queue.offer(END);
  }

  // --- InputStream (called by the reader) ------------------------------------------------------

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    if (!fill()) {
      return -1;
    }
    int n = 0;
    while (true) { // on from chunk to chunk while they are here: fewer, larger reads
      int k = Math.min(len - n, current.remaining());
      current.get(b, off + n, k);
      n += k;
      if (n == len || !nextAtHand()) {
        return n;
      }
    }
  }

  /** Makes {@code current} hold unread bytes if that needs no waiting; false otherwise. */
  private boolean nextAtHand() {
    while (!current.hasRemaining()) {
      if (chunk.hasNext()) {
        current = chunk.next();
      } else if (closed || eof || !(queue.peek() instanceof List<?>)) {
        return false; // the end, an error or nothing yet: the next read() deals with it
      } else {
        take(queue.poll());
      }
    }
    return true;
  }

  private void take(Object next) {
    @SuppressWarnings("unchecked")
    List<ByteBuffer> buffers = (List<ByteBuffer>) next;
    chunk = buffers.iterator();
    Flow.Subscription s = subscription;
    if (s != null) {
      s.request(1); // keeps WINDOW chunks asked for
    }
  }

  @Override
  public int available() throws IOException {
    return closed || current == null ? 0 : current.remaining();
  }

  /** Makes {@code current} hold unread bytes; false at the end of the body. */
  private boolean fill() throws IOException {
    while (current == null || !current.hasRemaining()) {
      if (closed) {
        throw new IOException("response body closed");
      }
      if (chunk.hasNext()) {
        current = chunk.next();
        continue;
      }
      if (eof) {
        return false;
      }
      Object next;
      try {
        next = idleNanos > 0 ? queue.poll(idleNanos, TimeUnit.NANOSECONDS) : queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new InterruptedIOException("interrupted while reading the response body");
      }
      if (next == null) {
        close();
        throw new SocketTimeoutException(
            "no response bytes for " + Duration.ofNanos(idleNanos).toMillis() + " ms");
      }
      if (next == END) {
        eof = true;
      } else if (next == CLOSED) {
        throw new IOException("response body closed");
      } else if (next instanceof Throwable t) {
        eof = true;
        throw t instanceof IOException io ? io : new IOException(t.getMessage(), t);
      } else {
        take(next);
      }
    }
    return true;
  }

  /** Cancels the exchange unless the body was read to its end; wakes a blocked reader. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
    queue.offer(CLOSED);
  }
}
