package ai.backend.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.client.errors.AlreadyExistsException;
import ai.backend.client.errors.AuthenticationException;
import ai.backend.client.errors.BackendApiException;
import ai.backend.client.errors.BadRequestException;
import ai.backend.client.errors.NotFoundException;
import ai.backend.client.errors.QuotaExceededException;
import ai.backend.client.errors.RateLimitedException;
import ai.backend.client.errors.ServerException;
import ai.backend.client.port.HttpHeaders;
import ai.backend.client.port.TransportException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ErrorMapperTest {
  private final ErrorMapper mapper =
      new ErrorMapper(Clock.fixed(Instant.parse("2025-08-01T12:00:00Z"), ZoneOffset.UTC));

  private BackendApiException map(int status, String body, String... headers) {
    return mapper.map(
        "GET",
        "/session/s1",
        status,
        HttpHeaders.of(headers),
        body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void v4TitleCarriesTheMessageInParentheses() {
    BackendApiException e = map(
        400,
        "{\"type\": \"https://api.backend.ai/probs/invalid-api-params\", "
            + "\"title\": \"Missing or invalid API parameters. (clientSessionToken is missing or empty!)\"}");
    assertInstanceOf(BadRequestException.class, e);
    assertEquals("invalid-api-params", e.typeName());
    assertEquals("Missing or invalid API parameters.", e.title());
    assertEquals("clientSessionToken is missing or empty!", e.msg());
    assertEquals(
        "Missing or invalid API parameters: clientSessionToken is missing or empty! "
            + "(HTTP 400, type=invalid-api-params, GET /session/s1)",
        e.getMessage());
  }

  @Test
  void v4KernelNotFound() {
    BackendApiException e = map(
        404,
        "{\"type\": \"https://api.backend.ai/probs/kernel-not-found\", "
            + "\"title\": \"No such kernel.\"}");
    assertInstanceOf(NotFoundException.class, e);
    assertEquals(null, e.msg());
    assertEquals(
        "No such kernel. (HTTP 404, type=kernel-not-found, GET /session/s1)", e.getMessage());
  }

  @Test
  void v5MessageAndData() {
    BackendApiException e = map(
        400,
        "{\"type\": \"https://api.backend.ai/probs/session-already-exists\", "
            + "\"title\": \"The session already exists but you requested a different image.\", "
            + "\"msg\": \"mysession\", \"data\": {\"existingSessionId\": \"7d3c\"}}");
    assertInstanceOf(AlreadyExistsException.class, e);
    assertEquals(Map.of("existingSessionId", "7d3c"), e.data());
    assertEquals("mysession", e.msg());
  }

  @Test
  void current25xWithErrorCode() {
    BackendApiException e = map(
        404,
        "{\"type\": \"https://api.backend.ai/probs/object-not-found\", "
            + "\"title\": \"No such session.\", \"msg\": \"\", \"error_code\": \"session_read_not-found\"}",
        "Content-Type",
        "application/problem+json");
    assertInstanceOf(NotFoundException.class, e);
    assertEquals("session_read_not-found", e.errorCode().orElseThrow());
    assertEquals(
        "No such session. (HTTP 404, type=object-not-found, error_code=session_read_not-found, "
            + "GET /session/s1)",
        e.getMessage());
    assertEquals(
        "application/problem+json", e.headers().firstValue("content-type").orElseThrow());
  }

  @Test
  void authAndQuotaAndServer() {
    assertInstanceOf(
        AuthenticationException.class,
        map(
            401,
            "{\"type\": \"https://api.backend.ai/probs/auth-failed\","
                + " \"title\": \"Credential/signature mismatch.\", \"msg\": \"Signature mismatch\"}"));
    assertInstanceOf(
        AuthenticationException.class,
        map(
            400,
            "{\"type\": "
                + "\"https://api.backend.ai/probs/invalid-auth-params\", \"title\": \"x\"}"));
    assertInstanceOf(
        QuotaExceededException.class,
        map(
            412,
            "{\"type\": "
                + "\"https://api.backend.ai/probs/quota-exceeded\", \"title\": \"You have reached your resource limit.\"}"));
    BackendApiException agent = map(
        500,
        "{\"type\": \"https://api.backend.ai/probs/kernel-creation-failed\", "
            + "\"title\": \"Kernel creation has failed.\", \"agent-details\": {\"type\": \"x\"}}");
    assertInstanceOf(ServerException.class, agent);
    assertTrue(agent.body().containsKey("agent-details"));
  }

  @Test
  void nonJsonBodyStillGivesAUsefulMessage() {
    String html = "<html><head><title>502 Bad Gateway</title></head><body>" + "x".repeat(500)
        + "</body></html>";
    BackendApiException e = map(502, html, "Content-Type", "text/html");
    assertInstanceOf(ServerException.class, e);
    assertEquals(null, e.typeName());
    assertEquals(
        "502 Bad Gateway (HTTP 502, an HTML page, not Backend.AI JSON, GET /session/s1)",
        e.getMessage());
    BackendApiException untitled =
        map(404, "<!DOCTYPE html>\n<html><body>" + "y".repeat(500) + "</body></html>");
    assertEquals(
        "an HTML page (HTTP 404, an HTML page, not Backend.AI JSON, GET /session/s1)",
        untitled.getMessage());
    String text = "upstream connect error or disconnect/reset before headers " + "z".repeat(500);
    BackendApiException plain = map(503, text, "Content-Type", "text/plain");
    assertTrue(plain.getMessage().startsWith("upstream connect error"), plain.getMessage());
    assertTrue(plain.getMessage().length() < 300, "body is cut");
    assertTrue(map(404, "").getMessage().startsWith("HTTP error without a body (HTTP 404"));
  }

  @Test
  void aTitleAndAMessageSayingTheSameArePrintedOnce() {
    BackendApiException e = map(
        400,
        "{\"type\": \"https://api.backend.ai/probs/session-already-exists\", "
            + "\"title\": \"The session already exists but you requested different image.\", "
            + "\"msg\": \"The session already exists but you requested a different image.\"}");
    assertInstanceOf(AlreadyExistsException.class, e);
    assertEquals(
        "The session already exists but you requested a different image. "
            + "(HTTP 400, type=session-already-exists, GET /session/s1)",
        e.getMessage());
    // one contained in the other: the fuller one
    assertEquals(
        "Credential/signature mismatch. (HTTP 401, type=auth-failed, GET /session/s1). Check "
            + "BACKEND_SECRET_KEY and that this machine's clock is right (the server allows ±15 min).",
        map(
                401,
                "{\"type\": \"https://api.backend.ai/probs/auth-failed\", "
                    + "\"title\": \"Credential/signature mismatch.\", \"msg\": \"Signature mismatch\"}")
            .getMessage());
    assertTrue(ErrorMapper.saysTheSame("No such session.", "no such session"));
    assertFalse(ErrorMapper.saysTheSame("No such session.", "mysession"));
    assertFalse(ErrorMapper.saysTheSame("The session already exists.", "s"));
    assertFalse(ErrorMapper.saysTheSame("Bad request.", ""));
  }

  @Test
  void authFailuresSayWhatToCheck() {
    String secretHint =
        "Check BACKEND_SECRET_KEY and that this machine's clock is right (the server allows ±15 min).";
    // v4 managers: a bad signature is a bare 401 auth-failed
    assertTrue(map(
            401,
            "{\"type\": \"https://api.backend.ai/probs/auth-failed\", "
                + "\"title\": \"Credential/signature mismatch.\"}")
        .getMessage()
        .endsWith(secretHint));
    BackendApiException unknownKey = map(
        401,
        "{\"type\": \"https://api.backend.ai/probs/auth-failed\", "
            + "\"title\": \"Credential/signature mismatch. (Access key not found)\"}");
    assertEquals(
        "Credential/signature mismatch: Access key not found (HTTP 401, type=auth-failed, GET /session/s1). "
            + "Check BACKEND_ACCESS_KEY: this server does not know the key or it is inactive.",
        unknownKey.getMessage());
    BackendApiException skew = map(
        400,
        "{\"type\": \"https://api.backend.ai/probs/invalid-auth-params\", "
            + "\"title\": \"Missing or invalid authorization parameters.\", \"msg\": \"Date/time sync error\"}");
    assertInstanceOf(AuthenticationException.class, skew);
    assertTrue(
        skew.getMessage()
            .endsWith(". Check that this machine's clock is right (the server allows ±15 min)."),
        skew.getMessage());
    assertFalse(skew.getMessage().contains("SECRET_KEY"));
    BackendApiException forbidden = map(
        403,
        "{\"type\": \"https://api.backend.ai/probs/generic-forbidden\", "
            + "\"title\": \"Forbidden.\", \"msg\": \"Insufficient privileges\"}");
    assertFalse(forbidden.getMessage().contains("Check"), forbidden.getMessage());
  }

  @Test
  void aMissingFileIsNotFoundThoughTheManagerSays400() {
    BackendApiException e = map(
        400,
        "{\"type\": \"https://api.backend.ai/probs/invalid-api-params\", "
            + "\"title\": \"Missing or invalid API parameters.\", \"msg\": \"The file is not found.\"}");
    assertInstanceOf(NotFoundException.class, e);
    assertEquals(400, e.status());
    BackendApiException v4 = map(
        400,
        "{\"type\": \"https://api.backend.ai/probs/invalid-api-params\", "
            + "\"title\": \"Missing or invalid API parameters. (The file is not found.)\"}");
    assertInstanceOf(NotFoundException.class, v4);
    assertInstanceOf(
        BadRequestException.class,
        map(
            400,
            "{\"type\": "
                + "\"https://api.backend.ai/probs/invalid-api-params\", \"title\": \"x\", \"msg\": \"Too many files\"}"));
  }

  @Test
  void noAnswerSaysWhatHappenedOnceForEveryKind() {
    java.net.URI uri =
        java.net.URI.create("https://bai.example.com:8443/api/session/s1?token=secret");
    String call = "GET https://bai.example.com:8443/api/session/s1";
    java.util.function.BiFunction<TransportException.Kind, String, String> m =
        (kind, msg) -> ErrorMapper.noAnswer("get", uri, new TransportException(kind, msg, null))
            .getMessage();
    assertEquals(
        "cannot connect to https://bai.example.com:8443: connection refused. "
            + "Is the server running and BACKEND_ENDPOINT right?",
        m.apply(TransportException.Kind.CONNECT, call + ": cannot connect"));
    assertEquals(
        "cannot connect to https://bai.example.com:8443: unknown host \"bai.example.com\". "
            + "Is BACKEND_ENDPOINT right?",
        m.apply(TransportException.Kind.UNKNOWN_HOST, call + ": unknown host"));
    assertEquals(
        "cannot connect to https://bai.example.com:8443: connect timed out (tried 3 times). "
            + "Is the host reachable from here (firewall, proxy) and BACKEND_ENDPOINT right?",
        ErrorMapper.noAnswer(
                "GET",
                uri,
                new TransportException(
                        TransportException.Kind.CONNECT_TIMEOUT, call + ": connect timed out", null)
                    .recordAttempts(3))
            .getMessage());
    assertEquals(
        "no response from https://bai.example.com:8443 to GET /api/session/s1 within the read timeout; "
            + "the server may be busy: a longer read timeout gives it more time",
        m.apply(TransportException.Kind.READ_TIMEOUT, call + ": response timed out"));
    assertEquals(
        "gave up on GET /api/session/s1 at https://bai.example.com:8443: no answer within the call "
            + "timeout (30s)",
        m.apply(TransportException.Kind.CALL_TIMEOUT, "no answer within the call timeout (30s)"));
    assertEquals(
        "TLS handshake with https://bai.example.com:8443 failed: PKIX path building failed. Check the "
            + "server's certificate, or use http:// if it does not speak TLS",
        m.apply(TransportException.Kind.TLS, call + ": TLS failure: PKIX path building failed"));
    assertEquals(
        "the connection to https://bai.example.com:8443 failed during GET /api/session/s1: "
            + "java.net.SocketException: Connection reset",
        m.apply(TransportException.Kind.IO, call + ": java.net.SocketException: Connection reset"));
    assertEquals(
        "GET /api/session/s1 to https://bai.example.com:8443 was cancelled",
        m.apply(TransportException.Kind.CANCELLED, call + " cancelled"));
    assertEquals(
        "https://bai.example.com:8443 refused the WebSocket handshake for GET /api/session/s1 (HTTP 403)",
        ErrorMapper.noAnswer(
                "GET",
                uri,
                new TransportException(
                    TransportException.Kind.WEBSOCKET_HANDSHAKE,
                    "WebSocket handshake refused (HTTP 403)",
                    null,
                    403))
            .getMessage());
    assertEquals(
        "cannot send GET /api/session/s1 to https://bai.example.com:8443: the transport is closed "
            + "(the API session was closed)",
        m.apply(TransportException.Kind.CLOSED, "transport is closed"));
    for (TransportException.Kind k : TransportException.Kind.values()) {
      String s = m.apply(k, call + ": x");
      assertFalse(s.contains("secret"), s);
      assertEquals(
          s.indexOf("bai.example.com:8443"),
          s.lastIndexOf("bai.example.com:8443"),
          "origin twice: " + s);
    }
  }

  @Test
  void rateLimitWithRetryAfterSecondsOrDate() {
    RateLimitedException e = (RateLimitedException) map(
        429,
        "{\"type\": "
            + "\"https://api.backend.ai/probs/rate-limit-exceeded\", \"title\": \"Rate limit exceeded.\"}",
        "Retry-After",
        "7",
        "X-RateLimit-Limit",
        "1000",
        "X-RateLimit-Remaining",
        "0",
        "X-RateLimit-Window",
        "900");
    assertEquals(Duration.ofSeconds(7), e.retryAfter().orElseThrow());
    assertEquals(OptionalLong.of(1000), e.rateLimit().orElseThrow().limit());
    assertEquals(OptionalLong.of(0), e.rateLimit().orElseThrow().remaining());
    assertEquals(Duration.ofSeconds(900), e.rateLimit().orElseThrow().window());

    RateLimitedException d = (RateLimitedException)
        map(429, "", "Retry-After", "Fri, 01 Aug 2025 12:00:30 GMT", "X-RateLimit-Limit", "None");
    assertEquals(Duration.ofSeconds(30), d.retryAfter().orElseThrow());
    assertEquals(OptionalLong.empty(), d.rateLimit().orElseThrow().limit());
  }
}
