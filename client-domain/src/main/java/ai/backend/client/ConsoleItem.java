package ai.backend.client;

import java.util.Objects;

/**
 * One item of an execution's console output, in the order the program produced it (spec §5.7).
 * Unknown item types are preserved as {@link Other} so that nothing the server sends is lost.
 */
public sealed interface ConsoleItem {

  /** The wire type, e.g. {@code stdout}. */
  String type();

  /**
   * The item as text to show: the written text of {@code stdout}/{@code stderr}, an HTML item's source,
   * a log or unknown item's value, and for media {@code [mime/type]} (its data may be a large data URI).
   */
  String text();

  /** Text written to standard output. */
  record Stdout(String text) implements ConsoleItem {
    public Stdout {
      Objects.requireNonNull(text, "text");
    }

    @Override
    public String type() {
      return "stdout";
    }
  }

  /** Text written to standard error. */
  record Stderr(String text) implements ConsoleItem {
    public Stderr {
      Objects.requireNonNull(text, "text");
    }

    @Override
    public String type() {
      return "stderr";
    }
  }

  /**
   * A media object: text types (e.g. {@code image/svg+xml}) carry raw text, binary types a data URI.
   */
  record Media(String mimeType, String data) implements ConsoleItem {
    @Override
    public String type() {
      return "media";
    }

    @Override
    public String text() {
      return "[" + mimeType + "]";
    }
  }

  /** An HTML fragment. */
  record Html(String html) implements ConsoleItem {
    @Override
    public String type() {
      return "html";
    }

    @Override
    public String text() {
      return html;
    }
  }

  /**
   * A runtime log record; {@code value} is the decoded JSON value (a {@code List}, {@code Map},
   * {@code String}, {@code Double}, {@code Boolean} or {@code null}).
   */
  record Log(Object value) implements ConsoleItem {
    @Override
    public String type() {
      return "log";
    }

    @Override
    public String text() {
      return String.valueOf(value);
    }
  }

  /** Any other item type, with its decoded JSON value. */
  record Other(String type, Object value) implements ConsoleItem {
    @Override
    public String text() {
      return String.valueOf(value);
    }
  }
}
