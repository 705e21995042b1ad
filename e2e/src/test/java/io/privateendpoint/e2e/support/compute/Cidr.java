package io.privateendpoint.e2e.support.compute;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/** An IPv4 or IPv6 range such as 10.60.0.0/20; a bare address is its /32 (/128). */
record Cidr(BigInteger first, BigInteger last, int bits, String text) {

  static Optional<Cidr> parse(String text) {
    String address = text;
    Integer prefix = null;
    int slash = text.indexOf('/');
    if (slash >= 0) {
      address = text.substring(0, slash);
      try {
        prefix = Integer.parseInt(text.substring(slash + 1));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
    // Only literals: InetAddress would otherwise resolve host names.
    if (address.isEmpty() || !address.matches("[0-9a-fA-F:.]+") || (!address.contains(":") && !address.matches("\\d+\\.\\d+\\.\\d+\\.\\d+"))) {
      return Optional.empty();
    }
    byte[] bytes;
    try {
      bytes = InetAddress.getByName(address).getAddress();
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
    int bits = bytes.length * 8;
    int length = prefix == null ? bits : prefix;
    if (length < 0 || length > bits) {
      return Optional.empty();
    }
    BigInteger value = new BigInteger(1, bytes);
    BigInteger hostMask = BigInteger.ONE.shiftLeft(bits - length).subtract(BigInteger.ONE);
    BigInteger first = value.andNot(hostMask);
    return Optional.of(new Cidr(first, first.or(hostMask), bits, text));
  }

  /** True when the text is a range whose address has no host bits set, as Compute requires of subnet ranges. */
  static boolean isNetwork(String text) {
    return parse(text).filter(c -> text.contains("/")).map(c -> c.first().equals(parse(text.substring(0, text.indexOf('/'))).orElseThrow().first()))
        .orElse(false);
  }

  boolean contains(Cidr other) {
    return bits == other.bits && first.compareTo(other.first) <= 0 && last.compareTo(other.last) >= 0;
  }

  boolean overlaps(Cidr other) {
    return bits == other.bits && first.compareTo(other.last) <= 0 && other.first.compareTo(last) <= 0;
  }

  /** The n-th address of the range as text (IPv4 only; enough for the fake's address allocation). */
  String address(long n) {
    BigInteger a = first.add(BigInteger.valueOf(n));
    if (a.compareTo(last) > 0 || bits != 32) {
      return null;
    }
    long v = a.longValue();
    return ((v >> 24) & 255) + "." + ((v >> 16) & 255) + "." + ((v >> 8) & 255) + "." + (v & 255);
  }
}
