package ai.backend.client.cli;

import ai.backend.client.errors.AuthenticationException;
import ai.backend.client.errors.BackendApiException;
import ai.backend.client.errors.BackendIoException;
import ai.backend.client.errors.ConfigurationException;
import ai.backend.client.errors.InvalidArgumentException;
import ai.backend.client.errors.MalformedResponseException;
import ai.backend.client.errors.NotFoundException;
import ai.backend.client.errors.RateLimitedException;
import ai.backend.client.errors.ServerException;
import ai.backend.client.errors.TransferVerificationException;
import ai.backend.client.errors.UnsafeDownloadException;
import ai.backend.client.errors.UnsupportedFeatureException;
import ai.backend.client.errors.WaitTimeoutException;
import java.nio.file.NoSuchFileException;
import java.util.List;

/**
 * The one table of exit codes of the CLI (documented in {@code docs/cli.md}). The numbers follow the
 * BSD {@code sysexits.h} meanings where one fits, so they rarely collide with what programs return
 * themselves. {@code run} exits with the executed program's exit code once the program ran.
 */
public enum ExitCode {
  OK(0, "success (for `run`: the program exited with 0)"),
  FAILURE(
      1,
      "the command failed for another reason (e.g. a file to upload is not readable, a transfer "
          + "failed its size or SHA-256 check)"),
  USAGE(2, "usage error: unknown command or option, missing or malformed argument"),
  NOT_RUNNING(3, "`local status`: no local server is running"),
  REJECTED(
      65,
      "the server rejected the request (HTTP 400/409/412 …: bad parameters, name taken, quota), "
          + "or its API version lacks the operation"),
  NOT_FOUND(66, "the session, file or object does not exist (HTTP 404, or a missing local file)"),
  SERVER_ERROR(69, "the server failed (HTTP 5xx)"),
  INTERNAL(70, "internal error of the CLI, or a response it could not understand"),
  UNAVAILABLE(
      75, "no answer: connection refused, timeout, TLS failure; or rate-limited (HTTP 429)"),
  AUTH(77, "authentication or permission error (HTTP 401/403: wrong keys, clock skew, no access)"),
  CONFIG(
      78,
      "configuration error (bad BACKEND_* variable, no credentials, local server cannot start)"),
  EXEC_TIMEOUT(124, "`run`: the server's execution timeout ended the run (exec-timeout)"),
  INTERRUPTED(130, "interrupted with Ctrl-C (SIGINT)");

  public final int code;
  public final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  public static List<ExitCode> table() {
    return List.of(values());
  }

  /** The exit code for an exception that ended a command. */
  public static ExitCode of(Throwable e) {
    if (e instanceof CliException ce) {
      return ce.exitCode();
    }
    if (e instanceof ConfigurationException) {
      return CONFIG;
    }
    if (e instanceof InvalidArgumentException) {
      return USAGE;
    }
    if (e instanceof BackendIoException || e instanceof WaitTimeoutException) {
      return UNAVAILABLE;
    }
    if (e instanceof UnsafeDownloadException || e instanceof UnsupportedFeatureException) {
      return REJECTED; // refused before anything moved: what the server sent, or its version
    }
    if (e instanceof TransferVerificationException) {
      return FAILURE;
    }
    if (e instanceof MalformedResponseException) {
      return INTERNAL;
    }
    if (e instanceof AuthenticationException) {
      return AUTH;
    }
    if (e instanceof NotFoundException) {
      return NOT_FOUND;
    }
    if (e instanceof RateLimitedException) {
      return UNAVAILABLE;
    }
    if (e instanceof ServerException) {
      return SERVER_ERROR;
    }
    if (e instanceof BackendApiException api) {
      int s = api.status();
      if (s == 401 || s == 403) {
        return AUTH;
      }
      if (s == 404) {
        return NOT_FOUND;
      }
      if (s == 429) {
        return UNAVAILABLE;
      }
      return s >= 500 ? SERVER_ERROR : REJECTED;
    }
    if (e instanceof NoSuchFileException) {
      return NOT_FOUND;
    }
    if (e instanceof java.io.IOException) {
      return FAILURE;
    }
    return INTERNAL;
  }
}
