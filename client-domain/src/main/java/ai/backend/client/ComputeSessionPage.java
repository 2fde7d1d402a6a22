package ai.backend.client;

import java.util.List;

/**
 * A page of sessions.
 *
 * @param items the sessions of this page
 * @param totalCount how many sessions match in total
 */
public record ComputeSessionPage(List<ComputeSessionSummary> items, long totalCount) {
  public ComputeSessionPage {
    items = List.copyOf(items);
  }
}
