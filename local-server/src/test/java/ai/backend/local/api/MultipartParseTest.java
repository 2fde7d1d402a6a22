package ai.backend.local.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The upload's multipart parser on its own (FileApiFuzzTest found the bad %-escape). */
class MultipartParseTest {

  private static byte[] body(String disposition) {
    return ("--b\r\nContent-Disposition: form-data; name=\"src\"; " + disposition
            + "\r\n\r\nx\r\n--b--\r\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void extendedFilenameIsDecoded() throws ApiException {
    var parts = FileApi.Multipart.parse(
        "multipart/form-data; boundary=b", body("filename*=utf-8''c%20d+e.txt"));
    assertEquals("c d+e.txt", parts.get(0).filename());
  }

  @Test
  void badPercentEscapeInExtendedFilenameIsAClientError() {
    ApiException e = assertThrows(
        ApiException.class,
        () -> FileApi.Multipart.parse(
            "multipart/form-data; boundary=b", body("filename*=utf-8''c%2?d.txt")));
    assertEquals(400, e.status());
  }
}
