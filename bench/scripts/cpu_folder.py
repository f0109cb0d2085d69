"""The folder of one CPU model under results/peers/ and results/micro/: results from
different hosts sit side by side instead of overwriting each other. The model is
/proc/cpuinfo's "model name" (as machine.json records it), made into a folder name:
"Intel(R) Xeon(R) Platinum 8481C CPU @ 2.70GHz" -> intel-xeon-platinum-8481c,
"AMD EPYC" -> amd-epyc. A model name without a model number (what KVM guests often see:
"AMD EPYC", "Intel(R) Xeon(R) Processor") says nothing of the core, so the folder adds the
family and model: an AMD EPYC of family 25 and one of family 26 (Zen 4, Zen 5) measure
differently and must not overwrite each other (amd-epyc-family-26-model-2).
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


def family_model(cpuinfo="/proc/cpuinfo"):
    """(cpu family, model) from /proc/cpuinfo, or None."""
    fields = {}
    try:
        with open(cpuinfo) as f:
            for line in f:
                key, _, value = line.partition(":")
                key = key.strip()
                if key in ("cpu family", "model") and key not in fields:
                    fields[key] = value.strip()
                if not line.strip():
                    break  # the first CPU is enough
    except OSError:
        return None
    if "cpu family" in fields and "model" in fields:
        return fields["cpu family"], fields["model"]
    return None


def folder(cpuinfo="/proc/cpuinfo"):
    """This machine's folder name: slug(model name), plus family and model where the name
    carries no model number."""
    s = slug(cpu_model(cpuinfo))
    fm = family_model(cpuinfo)
    if fm and not any(c.isdigit() for c in s):
        s += f"-family-{fm[0]}-model-{fm[1]}"
    return s


def slug(model):
    s = re.sub(r"\((R|TM|tm)\)", " ", model)
    s = re.sub(r"@.*$", " ", s)  # the clock: one model, one folder
    s = re.sub(r"\b(CPU|Processor|[0-9]+-Core)\b", " ", s)
    s = re.sub(r"[^A-Za-z0-9]+", "-", s).strip("-").lower()
    return s or "unknown-cpu"


if __name__ == "__main__":
    print(folder())
