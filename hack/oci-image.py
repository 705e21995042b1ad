#!/usr/bin/env python3
"""Writes the operator's image tarball from its inputs, with no Docker engine and no base image.

Called by hack/build-image.sh, which prepares the inputs. Layers, least to most often changed:
  1. base:    the C libraries from the Debian packages (libraries and copyright files only), /etc/passwd
              and /etc/group with root and nonroot (65532), /tmp (1777), /home/nonroot, /app;
  2. runtime: the jlinked Java runtime at /opt/java;
  3. proxy:   (with --proxy-dir) what the proxy Deployment runs from the same image: /app/proxy/kpe-proxy.jar
              and its libraries (Kroxylicious and what it depends on) in /app/proxy/lib;
  4. app:     the operator jar at /app/kafka-private-endpoint-operator.jar.
Everything is owned by root and read-only for the image's user except /tmp and /home/nonroot. Every file
in the layers has the same time, 1970-01-01T00:00:01Z (as Jib does), so the same inputs give the same
layer digests whatever the commit: a registry and a node keep the base and runtime layers until Debian's
packages change. --created (the commit's time) dates the image config only.

The tarball is both a docker-archive (manifest.json: `docker load`, `podman load`, `skopeo copy
docker-archive:`, `crane push`) and an OCI image layout (oci-layout, index.json, blobs/sha256: `skopeo copy
oci-archive:`, `ctr images import`, `docker load` from Docker 25 on), the way `docker save` writes it since
Docker 25. Layers are gzip-compressed tar blobs stored once, referenced from both indexes.

Before writing, every ELF file of the image is checked: its interpreter and every DT_NEEDED library must
resolve inside the image (RUNPATH with $ORIGIN, then the system directories), so a library missing from the
Debian packages fails the build instead of the pod.
"""
import argparse
import gzip
import hashlib
import io
import json
import os
import posixpath
import shutil
import stat
import struct
import sys
import tarfile
import tempfile

NONROOT = 65532
FILE_TIME = 1  # seconds since the epoch, for every file in the layers
SYSTEM_LIBRARY_DIRS = ["lib/x86_64-linux-gnu", "usr/lib/x86_64-linux-gnu", "lib", "usr/lib", "lib64", "usr/lib64"]


class Entry:
    """One path of a layer: a directory, a regular file (from disk or from bytes) or a symlink."""

    def __init__(self, path, kind, mode, uid=0, gid=0, source=None, data=None, link=None):
        self.path, self.kind, self.mode, self.uid, self.gid = path, kind, mode, uid, gid
        self.source, self.data, self.link = source, data, link

    def read(self):
        if self.data is not None:
            return self.data
        with open(self.source, "rb") as f:
            return f.read()

    def size(self):
        return len(self.data) if self.data is not None else os.path.getsize(self.source)


class Layer:
    def __init__(self, name, description):
        self.name, self.description, self.entries = name, description, {}

    def add(self, entry):
        for parent in parents(entry.path):
            if parent not in self.entries:
                self.entries[parent] = Entry(parent, "dir", 0o755)
        self.entries[entry.path] = entry

    def add_tree(self, root, prefix, keep=lambda rel: True):
        """Adds root's files under prefix; modes normalised to 0755/0644, owner root."""
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for name in sorted(dirnames + filenames):
                full = os.path.join(dirpath, name)
                rel = os.path.relpath(full, root).replace(os.sep, "/")
                if not keep(rel):
                    continue
                path = posixpath.join(prefix, rel) if prefix else rel
                st = os.lstat(full)
                if stat.S_ISLNK(st.st_mode):
                    self.add(Entry(path, "symlink", 0o777, link=os.readlink(full)))
                elif stat.S_ISDIR(st.st_mode):
                    if path not in self.entries:
                        self.add(Entry(path, "dir", 0o755))
                elif stat.S_ISREG(st.st_mode):
                    self.add(Entry(path, "file", 0o755 if st.st_mode & 0o111 else 0o644, source=full))
                else:
                    raise SystemExit(f"error: {full}: not a file, directory or symlink")


def parents(path):
    parts = path.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def keep_from_debian(rel):
    """The libraries (without glibc's iconv modules), the C.UTF-8 locale (LANG=C.UTF-8) and each package's
    copyright file; no docs, no tools."""
    if rel.startswith("usr/lib/x86_64-linux-gnu/gconv"):
        return False
    if rel.startswith(("usr/lib/x86_64-linux-gnu", "usr/lib64", "usr/lib/locale/C.utf8", "etc/ld.so.conf.d",
                       "var/lib/dpkg/status.d")):
        return True
    parts = rel.split("/")
    if parts[:3] == ["usr", "share", "doc"]:
        return len(parts) <= 4 or (len(parts) == 5 and parts[4] == "copyright")
    return rel in ("usr", "usr/lib", "usr/lib/locale", "usr/share", "etc", "var", "var/lib", "var/lib/dpkg")


def base_layer(libs_root, os_release):
    layer = Layer("base", "Debian C libraries, users, /tmp")
    layer.add_tree(libs_root, "", keep_from_debian)
    # Merged /usr, as Debian has it: the ELF interpreter is /lib64/ld-linux-x86-64.so.2.
    for top in ("lib", "lib64", "bin", "sbin"):
        if f"usr/{top}" in layer.entries and top not in layer.entries:
            layer.add(Entry(top, "symlink", 0o777, link=f"usr/{top}"))
    layer.add(Entry("etc/passwd", "file", 0o644, data=(
        "root:x:0:0:root:/root:/sbin/nologin\n"
        f"nonroot:x:{NONROOT}:{NONROOT}:nonroot:/home/nonroot:/sbin/nologin\n"
        "nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n").encode()))
    layer.add(Entry("etc/group", "file", 0o644, data=(
        f"root:x:0:\nnonroot:x:{NONROOT}:\nnogroup:x:65534:\n").encode()))
    layer.add(Entry("etc/nsswitch.conf", "file", 0o644, data=b"passwd: files\ngroup: files\nhosts: files dns\n"))
    layer.add(Entry("etc/os-release", "file", 0o644, data=os_release.encode()))
    layer.add(Entry("tmp", "dir", 0o1777))
    layer.add(Entry("root", "dir", 0o700))
    layer.add(Entry("home/nonroot", "dir", 0o700, uid=NONROOT, gid=NONROOT))
    layer.add(Entry("app", "dir", 0o755))
    return layer


def runtime_layer(java_home):
    layer = Layer("runtime", "Java runtime (jlink) at /opt/java")
    layer.add(Entry("opt/java", "dir", 0o755))
    layer.add_tree(java_home, "opt/java")
    return layer


def proxy_layer(proxy_dir):
    """proxy_dir is the proxy module's target: kpe-proxy.jar and proxy-lib/*.jar."""
    layer = Layer("proxy", "the proxy at /app/proxy (kpe-proxy.jar, lib/)")
    jar = os.path.join(proxy_dir, "kpe-proxy.jar")
    lib = os.path.join(proxy_dir, "proxy-lib")
    if not os.path.isfile(jar) or not os.path.isdir(lib):
        raise SystemExit(f"error: {proxy_dir} has no kpe-proxy.jar and proxy-lib/")
    layer.add(Entry("app/proxy/kpe-proxy.jar", "file", 0o644, source=jar))
    layer.add(Entry("app/proxy/lib", "dir", 0o755))
    for name in sorted(os.listdir(lib)):
        if name.endswith(".jar"):
            layer.add(Entry(f"app/proxy/lib/{name}", "file", 0o644, source=os.path.join(lib, name)))
    return layer


def app_layer(jar, jar_path):
    layer = Layer("app", f"the operator at /{jar_path}")
    layer.add(Entry(jar_path, "file", 0o644, source=jar))
    return layer


# --- ELF check -------------------------------------------------------------------------------------------

def elf_dynamic(data):
    """(interpreter, [needed], [runpath dirs]) of a 64-bit little-endian ELF, or None for anything else."""
    if data[:4] != b"\x7fELF":
        return None
    if data[4] != 2 or data[5] != 1:
        raise SystemExit("error: only 64-bit little-endian ELF files are expected in this image")
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    loads, dynamic, interp = [], None, None
    for i in range(phnum):
        p_type, _, p_offset, p_vaddr, _, p_filesz, _, _ = struct.unpack_from("<IIQQQQQQ", data, phoff + i * phentsize)
        if p_type == 1:
            loads.append((p_vaddr, p_offset, p_filesz))
        elif p_type == 2:
            dynamic = (p_offset, p_filesz)
        elif p_type == 3:
            interp = data[p_offset:p_offset + p_filesz].rstrip(b"\0").decode()
    if dynamic is None:
        return interp, [], []
    tags = []
    for off in range(dynamic[0], dynamic[0] + dynamic[1], 16):
        tag, val = struct.unpack_from("<qQ", data, off)
        if tag == 0:
            break
        tags.append((tag, val))
    strtab_vaddr = next(val for tag, val in tags if tag == 5)
    strtab = next(off + strtab_vaddr - vaddr for vaddr, off, size in loads if vaddr <= strtab_vaddr < vaddr + size)

    def string(index):
        end = data.index(b"\0", strtab + index)
        return data[strtab + index:end].decode()

    needed = [string(val) for tag, val in tags if tag == 1]
    runpath = [d for tag, val in tags if tag in (15, 29) for d in string(val).split(":") if d]
    return interp, needed, runpath


def check_libraries(layers):
    merged = {}
    for layer in layers:
        merged.update(layer.entries)

    def resolve(path, hops=0):
        """The entry a path names inside the image, following symlinks in every component."""
        if hops > 40:
            return None
        parts, current = [p for p in path.strip("/").split("/") if p not in ("", ".")], ""
        for i, part in enumerate(parts):
            current = posixpath.dirname(current) if part == ".." else posixpath.join(current, part).lstrip("/")
            entry = merged.get(current)
            if entry is None:
                return None
            if entry.kind == "symlink":
                target = entry.link if entry.link.startswith("/") else posixpath.join(posixpath.dirname(current), entry.link)
                rest = "/".join(parts[i + 1:])
                return resolve(posixpath.normpath(posixpath.join(target, rest) if rest else target), hops + 1)
        return merged.get(current)

    # The java launcher loads lib/server/libjvm.so by its path before any other library of the runtime, which
    # then find it by its name among the libraries already loaded.
    loaded_first = {"libjvm.so"} if resolve("opt/java/lib/server/libjvm.so") else set()
    problems = []
    for path, entry in sorted(merged.items()):
        if entry.kind != "file" or entry.size() < 64:
            continue
        with open(entry.source, "rb") if entry.source else io.BytesIO(entry.data) as f:
            if f.read(4) != b"\x7fELF":
                continue
        info = elf_dynamic(entry.read())
        interp, needed, runpath = info
        if interp and resolve(interp) is None:
            problems.append(f"/{path}: interpreter {interp} is not in the image")
        origin = posixpath.dirname(path)
        dirs = [posixpath.normpath(d.replace("$ORIGIN", "/" + origin).replace("${ORIGIN}", "/" + origin)) for d in runpath]
        dirs += ["/" + d for d in SYSTEM_LIBRARY_DIRS]
        for lib in needed:
            if lib in loaded_first:
                continue
            if not any(resolve(posixpath.join(d, lib)) for d in dirs):
                problems.append(f"/{path}: needs {lib}, which is not in the image")
    if problems:
        raise SystemExit("error: the image would not run everything it ships:\n  " + "\n  ".join(problems))


# --- tarball ---------------------------------------------------------------------------------------------

def write_layer_tar(layer, out, mtime):
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path in sorted(layer.entries, key=lambda p: p.split("/")):
            e = layer.entries[path]
            info = tarfile.TarInfo(path + ("/" if e.kind == "dir" else ""))
            info.mtime, info.mode, info.uid, info.gid, info.uname, info.gname = mtime, e.mode, e.uid, e.gid, "", ""
            if e.kind == "dir":
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            elif e.kind == "symlink":
                info.type, info.linkname = tarfile.SYMTYPE, e.link
                tar.addfile(info)
            else:
                info.size = e.size()
                if e.source:
                    with open(e.source, "rb") as f:
                        tar.addfile(info, f)
                else:
                    tar.addfile(info, io.BytesIO(e.data))


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def layer_blob(layer, workdir, cache, mtime):
    """(diff_id, digest, size, path of the gzip blob); gzip blobs are cached by the uncompressed tar's digest."""
    raw = os.path.join(workdir, layer.name + ".tar")
    with open(raw, "wb") as f:
        write_layer_tar(layer, f, mtime)
    diff_id = sha256_file(raw)
    cached = os.path.join(cache, diff_id + ".tar.gz") if cache else None
    if cached and os.path.exists(cached):
        blob = cached
    else:
        blob = os.path.join(workdir, layer.name + ".tar.gz")
        with open(raw, "rb") as src, open(blob, "wb") as dst:
            with gzip.GzipFile(filename="", mode="wb", fileobj=dst, compresslevel=6, mtime=0) as gz:
                shutil.copyfileobj(src, gz, 1 << 20)
        if cached:
            os.makedirs(cache, exist_ok=True)
            shutil.copyfile(blob, cached + ".part")
            os.replace(cached + ".part", cached)
    os.remove(raw)
    return diff_id, sha256_file(blob), os.path.getsize(blob), blob


def iso8601(epoch):
    import datetime
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def canonical(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--libs-root", required=True, help="extracted Debian packages (dpkg-deb -x)")
    parser.add_argument("--java-home", required=True, help="the jlinked runtime, placed at /opt/java")
    parser.add_argument("--jar", required=True)
    parser.add_argument("--jar-path", default="app/kafka-private-endpoint-operator.jar")
    parser.add_argument("--proxy-dir", help="the proxy module's target directory (kpe-proxy.jar, proxy-lib/)")
    parser.add_argument("--name", required=True)
    parser.add_argument("--tag", required=True)
    parser.add_argument("--created", type=int, required=True, help="seconds since the epoch: the image's creation time")
    parser.add_argument("--entrypoint", required=True, help="JSON array")
    parser.add_argument("--env", action="append", default=[])
    parser.add_argument("--label", action="append", default=[])
    parser.add_argument("--os-release", default="")
    parser.add_argument("--cache", help="directory caching gzip layer blobs")
    parser.add_argument("--output", required=True)
    args = parser.parse_args()

    layers = [base_layer(args.libs_root, args.os_release), runtime_layer(args.java_home)]
    if args.proxy_dir:
        layers.append(proxy_layer(args.proxy_dir))
    layers.append(app_layer(args.jar, args.jar_path))
    check_libraries(layers)

    created = iso8601(args.created)
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with tempfile.TemporaryDirectory(dir=os.path.dirname(os.path.abspath(args.output))) as workdir:
        blobs = [layer_blob(layer, workdir, args.cache, FILE_TIME) for layer in layers]
        config = canonical({
            "architecture": "amd64",
            "os": "linux",
            "created": created,
            "config": {
                "User": f"{NONROOT}:{NONROOT}",
                "Entrypoint": json.loads(args.entrypoint),
                "Env": args.env,
                "WorkingDir": "/app",
                "Labels": dict(label.split("=", 1) for label in args.label),
            },
            "rootfs": {"type": "layers", "diff_ids": ["sha256:" + diff_id for diff_id, _, _, _ in blobs]},
            "history": [{"created": created, "created_by": "hack/build-image.sh: " + layer.description}
                        for layer in layers],
        })
        config_digest = hashlib.sha256(config).hexdigest()
        manifest = canonical({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                       "digest": "sha256:" + config_digest, "size": len(config)},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "sha256:" + digest,
                        "size": size} for _, digest, size, _ in blobs],
        })
        manifest_digest = hashlib.sha256(manifest).hexdigest()
        index = canonical({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.index.v1+json",
            "manifests": [{
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "digest": "sha256:" + manifest_digest, "size": len(manifest),
                "platform": {"architecture": "amd64", "os": "linux"},
                "annotations": {"io.containerd.image.name": f"docker.io/library/{args.name}:{args.tag}",
                                "org.opencontainers.image.ref.name": args.tag},
            }],
        })
        docker_manifest = canonical([{
            "Config": "blobs/sha256/" + config_digest,
            "RepoTags": [f"{args.name}:{args.tag}"],
            "Layers": ["blobs/sha256/" + digest for _, digest, _, _ in blobs],
        }])

        part = args.output + ".part"
        with tarfile.open(part, "w", format=tarfile.PAX_FORMAT) as out:
            def add_bytes(name, data):
                info = tarfile.TarInfo(name)
                info.size, info.mtime, info.mode = len(data), args.created, 0o644
                out.addfile(info, io.BytesIO(data))

            for directory in ("blobs", "blobs/sha256"):
                info = tarfile.TarInfo(directory + "/")
                info.type, info.mtime, info.mode = tarfile.DIRTYPE, args.created, 0o755
                out.addfile(info)
            add_bytes("oci-layout", canonical({"imageLayoutVersion": "1.0.0"}))
            add_bytes("index.json", index)
            add_bytes("manifest.json", docker_manifest)
            add_bytes("blobs/sha256/" + manifest_digest, manifest)
            add_bytes("blobs/sha256/" + config_digest, config)
            for _, digest, size, path in blobs:
                info = tarfile.TarInfo("blobs/sha256/" + digest)
                info.size, info.mtime, info.mode = size, args.created, 0o644
                with open(path, "rb") as f:
                    out.addfile(info, f)
        os.replace(part, args.output)

    print(f"{args.name}:{args.tag}  sha256:{manifest_digest} (manifest)  sha256:{config_digest} (image id)")
    for layer, (_, digest, size, _) in zip(layers, blobs):
        print(f"  layer {layer.name:8} {size / 1e6:7.1f} MB  sha256:{digest[:12]}  {layer.description}")


if __name__ == "__main__":
    sys.exit(main())
