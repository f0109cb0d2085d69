"""The folder of one CPU model under results/peers/ and results/micro/: results from
different hosts sit side by side instead of overwriting each other. The model is
/proc/cpuinfo's "model name" (as machine.json records it), made into a folder name:
"Intel(R) Xeon(R) Platinum 8481C CPU @ 2.70GHz" -> intel-xeon-platinum-8481c,
"AMD EPYC" -> amd-epyc.
Usage: /usr/bin/python3 bench/scripts/cpu_folder.py     (prints this machine's folder name)"""
import re


def cpu_model(cpuinfo="/proc/cpuinfo"):
    try:
        with open(cpuinfo) as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def slug(model):
    s = re.sub(r"\((R|TM|tm)\)", " ", model)
    s = re.sub(r"@.*$", " ", s)  # the clock: one model, one folder
    s = re.sub(r"\b(CPU|Processor|[0-9]+-Core)\b", " ", s)
    s = re.sub(r"[^A-Za-z0-9]+", "-", s).strip("-").lower()
    return s or "unknown-cpu"


if __name__ == "__main__":
    print(slug(cpu_model()))
