#!/usr/bin/env python3
"""Two builds of suiji over the same mutated XML registers: what each says, side by side.

Used when the XML reader changed underneath (stop 29: libxml2's push parser instead of
xmlTextReader). Each input is a register from Benchmarks/Fuzz/corpus/FuzzXML (or the small one
below) with one to four mutations: markup fragments inserted, bytes deleted or changed, the file
cut. Both builds run `suiji import --dry-run` on it (a third of them with --validate), and the
script counts:
  - crashes of the new build (killed by a signal),
  - line-tracking disagreements (XMLLineTrackingError, which is always suiji's fault),
  - inputs on which the two builds' exit status or output differ.
Each such input is kept in OUT with both outputs, to be read and turned into a regression test.

    python3 Benchmarks/Fuzz/compare/compare_xml_builds.py --before OLD/suiji --after NEW/suiji \\
        [--inputs 6000] [--seed 7] [--out /tmp/xml-compare]

Standard library only; about 25 ms an input on the development machine.
"""
import argparse
import os
import random
import re
import subprocess
import tempfile

SEED = '''<?xml version="1.0" encoding="UTF-8"?>
<!-- seed -->
<registry department="原平市市场监督管理局">
  <entity
    uscc="91140981MA0K00001X" note='a > b &amp; c'
  >
    <name>晋北 &amp; 商贸<![CDATA[<x>]]><![CDATA[y]]></name>
    <phone/><?pi x
?>
  </entity>
  <entity><address>原平市
崞阳镇</address><name><!--c-->  <!--d-->b</name></entity>
</registry>
'''.encode()

FRAGMENTS = [b'<', b'>', b'/>', b'</entity>', b'<entity>', b'<![CDATA[', b']]>', b'<!--', b'-->', b'<?pi ', b'?>',
             b'&amp;', b'&#38;', b'&lt;', b'&bogus;', b'\n', b'\r\n', b'  ', b'"', b"'", b'<name>', b'</name>',
             b'<x:y xmlns:x="u">', b'<!DOCTYPE r>', '原'.encode(), b'\xff', b'\t',
             b'<uscc>91140981MA0K00001X</uscc>']


def mutate(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        choice, position = rng.random(), rng.randint(0, len(out))
        if choice < 0.4:
            out[position:position] = rng.choice(FRAGMENTS)
        elif choice < 0.7 and len(out) > 1:
            del out[position:min(len(out), position + rng.randint(1, 12))]
        elif choice < 0.85 and out:
            out[rng.randrange(len(out))] = rng.randrange(256)
        else:
            out = out[:position]
    return bytes(out)


def run(binary: str, store: str, path: str, validate: bool):
    args = [binary, 'import', '--dry-run', '--store', store, '--department', '原平市市场监督管理局', path]
    if validate:
        args.append('--validate')
    result = subprocess.run(args, capture_output=True, timeout=60)
    # Timings differ from run to run.
    text = re.sub(rb'[0-9.]+ s, [0-9,]+ rows/s', b'T', result.stdout + b'\n--- stderr\n' + result.stderr)
    return result.returncode, text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--before', required=True)
    parser.add_argument('--after', required=True)
    parser.add_argument('--inputs', type=int, default=6000)
    parser.add_argument('--seed', type=int, default=7)
    parser.add_argument('--out', default=os.path.join(tempfile.gettempdir(), 'xml-compare'))
    arguments = parser.parse_args()
    corpus = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'corpus', 'FuzzXML')
    seeds = [open(os.path.join(corpus, name), 'rb').read() for name in sorted(os.listdir(corpus))] + [SEED]
    os.makedirs(arguments.out, exist_ok=True)
    rng = random.Random(arguments.seed)
    store, path = os.path.join(arguments.out, 'store.sqlite'), os.path.join(arguments.out, 'input.xml')
    crashes = disagreements = differences = 0
    for number in range(arguments.inputs):
        data = mutate(rng.choice(seeds), rng)
        with open(path, 'wb') as file:
            file.write(data)
        validate = number % 3 == 0
        after, before = run(arguments.after, store, path, validate), run(arguments.before, store, path, validate)
        kinds = []
        if after[0] < 0:
            crashes += 1
            kinds.append('crash')
        if b'disagrees with libxml2' in after[1]:
            disagreements += 1
            kinds.append('disagreement')
        if after != before:
            differences += 1
            kinds.append('difference')
        for kind in kinds:
            with open(os.path.join(arguments.out, f'{kind}-{number}.xml'), 'wb') as file:
                file.write(data)
            with open(os.path.join(arguments.out, f'{kind}-{number}.txt'), 'wb') as file:
                file.write(b'after: exit %d\n%s\nbefore: exit %d\n%s\n' % (after[0], after[1], before[0], before[1]))
    print(f'{arguments.inputs} inputs: {crashes} crashes, {disagreements} line-tracking disagreements, '
          f'{differences} differ between the builds (kept in {arguments.out})')
    return 1 if crashes or disagreements else 0


if __name__ == '__main__':
    raise SystemExit(main())
