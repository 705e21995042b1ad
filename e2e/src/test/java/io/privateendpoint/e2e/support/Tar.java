package io.privateendpoint.e2e.support;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A reader of tar archives (ustar, PAX and GNU long names), small enough to read in one go and
 * independent of whatever wrote the archive: the image tests read the tarball and its layers with it.
 */
public final class Tar {

  /** One member; {@code data} holds the content of regular files up to the reader's limit, else null. */
  public record Entry(String name, char type, int mode, long uid, long gid, long size, String linkName, byte[] data) {

    public boolean isDirectory() {
      return type == '5';
    }

    public boolean isSymlink() {
      return type == '2';
    }

    public boolean isFile() {
      return type == '0' || type == '\0' || type == '7';
    }

    public String text() {
      return new String(data, StandardCharsets.UTF_8);
    }
  }

  /** Receives each member's content as a stream; whatever it leaves unread is skipped. */
  public interface ContentVisitor {
    void visit(Entry entry, InputStream content) throws IOException;
  }

  private Tar() {}

  /** Every member, with the content of regular files no larger than {@code keepUpTo} bytes. */
  public static List<Entry> read(InputStream in, long keepUpTo) throws IOException {
    List<Entry> entries = new ArrayList<>();
    walk(in, (entry, content) -> entries.add(entry.size() <= keepUpTo && entry.isFile()
        ? new Entry(entry.name(), entry.type(), entry.mode(), entry.uid(), entry.gid(), entry.size(), entry.linkName(),
            content.readNBytes((int) entry.size()))
        : entry));
    return entries;
  }

  /** Walks the archive, handing each member (PAX and GNU headers applied) and its content to the visitor. */
  public static void walk(InputStream in, ContentVisitor visitor) throws IOException {
    Map<String, String> pax = new HashMap<>();
    String longName = null;
    String longLink = null;
    byte[] header = new byte[512];
    while (true) {
      if (!readBlock(in, header)) {
        return;
      }
      if (isZero(header)) {
        return;
      }
      verifyChecksum(header);
      char type = (char) header[156];
      long size = number(header, 124, 12);
      if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
        byte[] body = readFully(in, size);
        skipPadding(in, size);
        String text = new String(body, StandardCharsets.UTF_8);
        if (type == 'x') {
          pax.putAll(paxRecords(text));
        } else if (type == 'L') {
          longName = text.replaceAll("\0+$", "");
        } else if (type == 'K') {
          longLink = text.replaceAll("\0+$", "");
        }
        continue;
      }
      String name = string(header, 0, 100);
      String prefix = "ustar".equals(string(header, 257, 5)) ? string(header, 345, 155) : "";
      if (!prefix.isEmpty()) {
        name = prefix + "/" + name;
      }
      name = pax.getOrDefault("path", longName != null ? longName : name);
      String link = pax.getOrDefault("linkpath", longLink != null ? longLink : string(header, 157, 100));
      size = pax.containsKey("size") ? Long.parseLong(pax.get("size")) : size;
      long uid = pax.containsKey("uid") ? Long.parseLong(pax.get("uid")) : number(header, 108, 8);
      long gid = pax.containsKey("gid") ? Long.parseLong(pax.get("gid")) : number(header, 116, 8);
      Entry entry = new Entry(name, type, (int) number(header, 100, 8), uid, gid, size, link, null);
      pax.clear();
      longName = null;
      longLink = null;
      long content = (type == '0' || type == '\0' || type == '7') ? size : 0;
      BoundedStream body = new BoundedStream(in, content);
      visitor.visit(entry, body);
      body.skipRest();
      skipPadding(in, content);
    }
  }

  private static Map<String, String> paxRecords(String text) {
    Map<String, String> records = new HashMap<>();
    int at = 0;
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    while (at < bytes.length) {
      int space = at;
      while (bytes[space] != ' ') {
        space++;
      }
      int length = Integer.parseInt(new String(bytes, at, space - at, StandardCharsets.US_ASCII));
      String record = new String(bytes, space + 1, length - (space - at) - 2, StandardCharsets.UTF_8);
      int equals = record.indexOf('=');
      records.put(record.substring(0, equals), record.substring(equals + 1));
      at += length;
    }
    return records;
  }

  private static void verifyChecksum(byte[] header) throws IOException {
    long expected = number(header, 148, 8);
    long sum = 0;
    for (int i = 0; i < 512; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : (header[i] & 0xff);
    }
    if (sum != expected) {
      throw new IOException("tar header checksum mismatch for " + string(header, 0, 100));
    }
  }

  private static long number(byte[] header, int offset, int length) {
    if ((header[offset] & 0x80) != 0) { // base-256, for values that do not fit in octal
      long value = header[offset] & 0x7f;
      for (int i = 1; i < length; i++) {
        value = (value << 8) | (header[offset + i] & 0xff);
      }
      return value;
    }
    String text = string(header, offset, length).trim();
    return text.isEmpty() ? 0 : Long.parseLong(text, 8);
  }

  private static String string(byte[] header, int offset, int length) {
    int end = offset;
    while (end < offset + length && header[end] != 0) {
      end++;
    }
    return new String(header, offset, end - offset, StandardCharsets.UTF_8);
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean readBlock(InputStream in, byte[] block) throws IOException {
    int read = in.readNBytes(block, 0, block.length);
    if (read == 0) {
      return false;
    }
    if (read < block.length) {
      throw new EOFException("truncated tar header");
    }
    return true;
  }

  private static byte[] readFully(InputStream in, long size) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new BoundedStream(in, size).transferTo(out);
    if (out.size() != size) {
      throw new EOFException("truncated tar member");
    }
    return out.toByteArray();
  }

  private static void skipPadding(InputStream in, long size) throws IOException {
    long padding = (512 - size % 512) % 512;
    if (padding > 0) {
      in.skipNBytes(padding);
    }
  }

  /** The content of one member: reads stop at its end. */
  private static final class BoundedStream extends InputStream {
    private final InputStream in;
    private long left;

    BoundedStream(InputStream in, long size) {
      this.in = in;
      this.left = size;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        return -1;
      }
      int b = in.read();
      if (b < 0) {
        throw new EOFException("truncated tar member");
      }
      left--;
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int read = in.read(buffer, offset, (int) Math.min(length, left));
      if (read < 0) {
        throw new EOFException("truncated tar member");
      }
      left -= read;
      return read;
    }

    @Override
    public void close() {}

    void skipRest() throws IOException {
      in.skipNBytes(left);
      left = 0;
    }
  }
}
