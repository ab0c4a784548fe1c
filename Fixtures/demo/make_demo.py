#!/usr/bin/env python3
"""Rebuilds the demo county's input files (Fixtures/demo/night-*/inbox) from seeds.

Registers come from `suiji-dev generate register` (seeded: same bytes on any machine); inspector
registers, the avoidance list and the seeds are written here; the results of night 3 name objects
that nights 1 and 2 draw, so they are made by running those nights in a scratch workspace and
reading `suiji draw show --assignments --json`. Run from the repository root:

    swift build && python3 Fixtures/demo/make_demo.py .build/debug/suiji

(`suiji-dev`, the development tools, is taken from the same folder as `suiji`.)

Only the standard library is used.
"""
import csv, io, json, os, random, shutil, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SUIJI = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.abspath(".build/debug/suiji")
SUIJI_DEV = os.path.join(os.path.dirname(SUIJI), "suiji-dev")
MARKET = "原平市市场监督管理局"
TRANSPORT = "原平市交通运输局"
EMERGENCY = "原平市应急管理局"
HOUSING = "原平市住房和城乡建设管理局"
POLICE = "原平市公安局"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉斌宇浩凯健俊帆帅旭宁龙林欣"


def night(n, *parts):
    path = os.path.join(HERE, f"night-{n}", "inbox", *parts)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return path


def generate(rows, seed, layout, department, out, bad_rate):
    subprocess.run([SUIJI_DEV, "generate", "register", "--rows", str(rows), "--seed", str(seed), "--layout", layout,
                    "--department", department, "--bad-rate", str(bad_rate), "--out", out, "--sidecar", os.devnull], check=True)


def inspectors(department, prefix, count, rng):
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(["执法证号", "姓名", "状态", "执法领域"])
    for i in range(1, count + 1):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
        status = "在岗" if i % 9 else "借调"
        w.writerow([f"{prefix}{i:04d}", name, status, department.replace("原平市", "")])
    return out.getvalue()


def main():
    for n in (1, 2, 3):
        shutil.rmtree(os.path.join(HERE, f"night-{n}"), ignore_errors=True)
    rng = random.Random(20231228)
    # Night 1 (2023-12-28): registers from four departments, inspector registers, the avoidance list,
    # and a seed sent too early (its round has no commitment yet).
    generate(2000, 11, "csv-gb18030", MARKET, night(1, "registers", MARKET, "市场主体名录-2023-12.csv"), 0.0005)
    generate(400, 12, "xml", TRANSPORT, night(1, "registers", TRANSPORT, "道路运输经营户-2023-12.xml"), 0.0025)
    generate(300, 13, "csv-bom-crlf", EMERGENCY, night(1, "registers", EMERGENCY, "工贸企业-2023-12.csv"), 0)
    generate(300, 14, "csv", HOUSING, night(1, "registers", HOUSING, "建设领域企业-2023-12.csv"), 0)
    for department, prefix, count in [(MARKET, "14098101", 24), (TRANSPORT, "14098102", 8), (EMERGENCY, "14098103", 8),
                                      (HOUSING, "14098104", 8), (POLICE, "14098105", 8)]:
        text = inspectors(department, prefix, count, rng)
        with open(night(1, "inspectors", department, "执法人员名录.csv"), "w", encoding="utf-8", newline="") as f:
            f.write(text)
    with open(night(1, "registers", MARKET, "市场主体名录-2023-12.csv"), "rb") as f:
        market = list(csv.reader(io.StringIO(f.read().decode("gb18030"))))[1:]
    pairs = [("140981010003", market[5][0], "亲属关系"), ("140981010007", market[40][0], "曾任职"),
             ("140981020002", market[77][0], "利害关系")]
    with open(night(1, "avoidance", "回避名单.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["执法证号", "统一社会信用代码", "回避原因"])
        w.writerows([[a, b, c] for a, b, c in pairs])
    with open(night(1, "seeds", "2024-G35-R2.txt"), "w", encoding="utf-8") as f:
        f.write("# sent before its commitment: the run refuses it\n88213\n")
    # Night 2 (2024-01-03): the public seeds of four draw groups (e.g. the lottery numbers of the day).
    for group, seed in [("2024-G02", "20240102-0375"), ("2024-G12", "20240102-1942"), ("2024-G22", "20240102-6610"),
                        ("2024-G35", "20240102-5083")]:
        with open(night(2, "seeds", f"{group}-R1.txt"), "w", encoding="utf-8") as f:
            f.write(f"# public seed of {group} round 1, published 2024-01-02 after its commitment\n{seed}\n")
    # Night 3 (2024-05-10): results of tasks 2, 3 and 35, one of them for an object that was not drawn.
    with tempfile.TemporaryDirectory() as scratch:
        shutil.copytree(os.path.join(HERE, "night-1", "inbox"), os.path.join(scratch, "inbox"))
        os.makedirs(os.path.join(scratch, "inbox", "plan"))
        shutil.copy(os.path.join(HERE, "..", "plans", "yuanping-2024.tsv"), os.path.join(scratch, "inbox", "plan"))
        shutil.copy(os.path.join(HERE, "suiji.toml"), scratch)
        cfg = os.path.join(scratch, "suiji.toml")
        subprocess.run([SUIJI, "run", "--config", cfg, "--today", "2023-12-28", "--log-level", "error"], stdout=subprocess.DEVNULL)
        shutil.copytree(os.path.join(HERE, "night-2", "inbox"), os.path.join(scratch, "inbox"), dirs_exist_ok=True)
        subprocess.run([SUIJI, "run", "--config", cfg, "--today", "2024-01-03", "--log-level", "error"], stdout=subprocess.DEVNULL)
        shown = subprocess.run([SUIJI, "draw", "show", "--assignments", "--json", "--config", cfg], check=True, capture_output=True).stdout
    objects = json.loads(shown)["assignments"]
    rows = []
    outcomes = ["未发现问题", "未发现问题", "1", "发现问题经责令已改正", "未按规定公示应当公示的信息", "未发现问题"]
    for obj in objects:
        tasks = obj.get("tasks") or []
        if obj.get("group") not in ("2024-G02", "2024-G35"):
            continue
        for task in tasks:
            day = 8 + len(rows) % 20
            month = "03" if obj["group"] == "2024-G35" else "04"
            rows.append([task, obj["round"], obj["uscc"], f"2024-{month}-{day:02d}", outcomes[len(rows) % len(outcomes)], "实地核查", "", ""])
    rows.append([35, 1, "91140981MA0KXXXXXX", "2024-03-20", "未发现问题", "实地核查", "", "not drawn: rejected"])
    rows.append([99, 1, rows[0][2], "2024-04-20", "未发现问题", "实地核查", "", "no task 99: rejected"])
    with open(night(3, "results", "抽查结果-2024-05.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["任务序号", "轮次", "统一社会信用代码", "检查日期", "检查结果", "核查方式", "后续处置", "备注"])
        w.writerows(rows)
    print(f"demo inputs written under {HERE}; {len(rows)} result rows")


if __name__ == "__main__":
    main()
