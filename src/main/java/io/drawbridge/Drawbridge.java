package io.drawbridge;
public final class Drawbridge { public static void main(String[] a) {} }
