package io.privateendpoint.operator.validation;

import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * A parsed CIDR block. Parsing never touches DNS: IPv4 is parsed by hand, and an IPv6 literal
 * (it contains ':') is parsed by InetAddress without a lookup.
 */
public record Cidr(byte[] address, int prefix) {

  /** Parses {@code a.b.c.d/n} or an IPv6 {@code x::y/n}; empty when malformed. */
  public static Optional<Cidr> parse(String text) {
    int slash = text.indexOf('/');
    if (slash < 0) {
      return Optional.empty();
    }
    String host = text.substring(0, slash);
    int prefix;
    try {
      prefix = Integer.parseInt(text.substring(slash + 1));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    byte[] address = host.contains(":") ? parseIpv6(host) : parseIpv4(host);
    if (address == null || prefix < 0 || prefix > address.length * 8) {
      return Optional.empty();
    }
    return Optional.of(new Cidr(address, prefix));
  }

  public boolean isIpv4() {
    return address.length == 4;
  }

  /** True when bits beyond the prefix are set (10.0.0.1/16): clouds reject or silently widen such blocks. */
  public boolean hasHostBits() {
    BigInteger value = new BigInteger(1, address);
    int hostBits = address.length * 8 - prefix;
    return hostBits > 0 && !value.and(BigInteger.ONE.shiftLeft(hostBits).subtract(BigInteger.ONE)).equals(BigInteger.ZERO);
  }

  /** True when every address of {@code other} is in this block (same family, shorter or equal prefix). */
  public boolean contains(Cidr other) {
    if (other.address.length != address.length || other.prefix < prefix) {
      return false;
    }
    int hostBits = address.length * 8 - prefix;
    return new BigInteger(1, address).shiftRight(hostBits).equals(new BigInteger(1, other.address).shiftRight(hostBits));
  }

  /** The same block with host bits cleared, e.g. 10.0.0.0/16 for 10.0.0.1/16. */
  public String network() {
    int hostBits = address.length * 8 - prefix;
    BigInteger value = new BigInteger(1, address).shiftRight(hostBits).shiftLeft(hostBits);
    byte[] raw = value.toByteArray();
    byte[] bytes = new byte[address.length];
    int copy = Math.min(raw.length, bytes.length);
    System.arraycopy(raw, raw.length - copy, bytes, bytes.length - copy, copy);
    try {
      String host = InetAddress.getByAddress(bytes).getHostAddress();
      return host + "/" + prefix;
    } catch (UnknownHostException e) {
      throw new IllegalStateException("a 4- or 16-byte address is always valid", e);
    }
  }

  private static byte[] parseIpv4(String host) {
    String[] parts = host.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      if (parts[i].isEmpty() || parts[i].length() > 3 || !parts[i].chars().allMatch(Character::isDigit)) {
        return null;
      }
      int octet = Integer.parseInt(parts[i]);
      if (octet > 255) {
        return null;
      }
      bytes[i] = (byte) octet;
    }
    return bytes;
  }

  private static byte[] parseIpv6(String host) {
    if (!host.chars().allMatch(c -> c == ':' || Character.digit(c, 16) >= 0)) {
      return null; // keeps InetAddress from ever seeing something it could resolve
    }
    try {
      InetAddress parsed = InetAddress.getByName(host);
      return parsed instanceof Inet6Address ? parsed.getAddress() : null;
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
