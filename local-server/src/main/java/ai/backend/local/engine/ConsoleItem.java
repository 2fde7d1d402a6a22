package ai.backend.local.engine;

import java.util.List;

/**
 * One console item: {@code ["stdout", text]}, {@code ["stderr", text]}, {@code ["html", text]},
 * {@code ["media", [mime, data]]}, {@code ["log", ...]}.
 *
 * @param type the item type
 * @param value a {@link String} or, for media, a {@link List} of two strings
 */
public record ConsoleItem(String type, Object value) {}
