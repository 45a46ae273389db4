#!/usr/bin/env python3
"""How record identities should be stored: measured on a copy of the large demo workspace.

Four layouts of the same rows, each built from the demo and vacuumed:
  int+blob   the integer row number stays the key and every foreign key; a 16-byte UUID column, unique
  int+text   the same with the UUID as 36 characters of text
  blob       the UUID (16 bytes) is the primary key and every foreign key
  text       the UUID (36 characters) is the primary key and every foreign key
For each: the file's size, the time to insert 20,000 risks (one transaction each 100, as the forms write), and
the time of the joins the panes run (every vetting check with its member and provider; every score with its
criterion and provider), each the best of 5.

    python3 benches/id-storage.py target/pty-bench/demo-large.db
"""
import os, random, sqlite3, sys, tempfile, time, uuid, shutil

def uuid7():
    ms = time.time_ns() // 1_000_000
    b = bytearray(ms.to_bytes(6, "big") + os.urandom(10))
    b[6] = (b[6] & 0x0F) | 0x70
    b[8] = (b[8] & 0x3F) | 0x80
    return bytes(b)

FKS = {}  # table -> [(col, parent)]

def fks(c, t):
    return [(r[3], r[2]) for r in c.execute(f"PRAGMA foreign_key_list({t})")]

def build(src, dst, layout):
    shutil.copy(src, dst)
    c = sqlite3.connect(dst)
    c.execute("PRAGMA foreign_keys = OFF")
    tables = [r[0] for r in c.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT IN ('audit_log','sqlite_sequence')")]
    as_text = layout.endswith("text")
    conv = (lambda b: str(uuid.UUID(bytes=b))) if as_text else (lambda b: b)
    c.create_function("u7", 0, lambda: conv(uuid7()))
    if layout.startswith("int"):
        for t in tables:
            c.execute(f"ALTER TABLE {t} ADD COLUMN uuid {'TEXT' if as_text else 'BLOB'}")
            c.execute(f"UPDATE {t} SET uuid = u7()")
            c.execute(f"CREATE UNIQUE INDEX {t}_uuid ON {t}(uuid)")
    else:
        ty = "TEXT" if as_text else "BLOB"
        for t in tables:
            c.execute(f"CREATE TABLE map_{t} (id INTEGER PRIMARY KEY, u {ty})")
            c.execute(f"INSERT INTO map_{t} SELECT id, u7() FROM {t}")
        for t in tables:
            sql = c.execute("SELECT sql FROM sqlite_master WHERE name=?", (t,)).fetchone()[0]
            cols = [r[1] for r in c.execute(f"PRAGMA table_info({t})")]
            refs = dict(fks(c, t))
            new = sql.replace(f"CREATE TABLE {t}", f"CREATE TABLE new_{t}", 1)
            new = new.replace("id INTEGER PRIMARY KEY", f"id {ty} PRIMARY KEY", 1)
            for col in refs:
                new = new.replace(f"{col} INTEGER", f"{col} {ty}", 1)
            c.execute(new)
            sel = []
            for col in cols:
                if col == "id":
                    sel.append(f"(SELECT u FROM map_{t} m WHERE m.id = s.id)")
                elif col in refs:
                    sel.append(f"(SELECT u FROM map_{refs[col]} m WHERE m.id = s.{col})")
                else:
                    sel.append(f"s.{col}")
            c.execute(f"INSERT INTO new_{t} SELECT {', '.join(sel)} FROM {t} s")
        idx = [r for r in c.execute("SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL "
                                    "AND tbl_name <> 'audit_log'")]
        for t in tables:
            c.execute(f"DROP TABLE {t}")
            c.execute(f"ALTER TABLE new_{t} RENAME TO {t}")
            c.execute(f"DROP TABLE map_{t}")
        for name, sql in idx:
            c.execute(sql)
    c.commit()
    c.execute("VACUUM")
    c.close()

def best(f, n=5):
    out = []
    for _ in range(n):
        t = time.perf_counter(); f(); out.append(time.perf_counter() - t)
    return min(out)

def measure(path, layout):
    c = sqlite3.connect(path, isolation_level=None)
    c.execute("PRAGMA foreign_keys = ON")
    as_text = layout.endswith("text")
    conv = (lambda b: str(uuid.UUID(bytes=b))) if as_text else (lambda b: b)
    eng = c.execute("SELECT id FROM engagement LIMIT 1").fetchone()[0]
    def joins():
        c.execute("SELECT p.name, count(*) FROM vetting_check v JOIN team_member m ON m.id = v.member_id "
                  "JOIN provider p ON p.id = m.provider_id GROUP BY p.id").fetchall()
        c.execute("SELECT p.name, sum(s.score * k.weight) FROM score s JOIN criterion k ON k.id = s.criterion_id "
                  "JOIN provider p ON p.id = s.provider_id GROUP BY p.id").fetchall()
    j = best(joins)
    random.seed(1)
    def inserts():
        for b in range(200):
            c.execute("BEGIN")
            for i in range(100):
                vals = [eng, "Risk", 3, 2, 2, 2, "2026-01-01", "2026-01-01"]
                if layout.startswith("int"):
                    c.execute("INSERT INTO risk (engagement_id, title, likelihood, impact_c, impact_i, impact_a, "
                              "created_at, updated_at, uuid) VALUES (?,?,?,?,?,?,?,?,?)", vals + [conv(uuid7())])
                else:
                    c.execute("INSERT INTO risk (id, engagement_id, title, likelihood, impact_c, impact_i, impact_a, "
                              "created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)", [conv(uuid7())] + vals)
            c.execute("COMMIT")
    t = time.perf_counter(); inserts(); ins = time.perf_counter() - t
    c.close()
    return j, ins

def main():
    src = sys.argv[1]
    tmp = tempfile.mkdtemp()
    base = os.path.join(tmp, "base.db")
    shutil.copy(src, base)
    b = sqlite3.connect(base); b.execute("VACUUM"); b.close()
    base_size = os.path.getsize(base)
    print(f"{'layout':10} {'size MB':>8} {'growth':>7} {'20k inserts s':>14} {'joins ms':>9}")
    print(f"{'today':10} {base_size/1e6:8.1f} {'':>7} {'':>14} {'':>9}")
    for layout in ["int+blob", "int+text", "blob", "text"]:
        p = os.path.join(tmp, layout + ".db")
        build(base, p, layout)
        size = os.path.getsize(p)
        j, ins = measure(p, layout)
        print(f"{layout:10} {size/1e6:8.1f} {100*(size-base_size)/base_size:6.1f}% {ins:14.2f} {j*1000:9.1f}")
    shutil.rmtree(tmp)

main()
