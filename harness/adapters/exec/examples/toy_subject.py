#!/usr/bin/env python3
"""A toy xvc-subject/1 subject in Python: the out-of-process protocol from another language.

It knows three instructions of flat 32-bit protected mode: NOP (90), MOV r32, imm32 (B8+r id)
and HLT (F4); anything else stops the run with #UD (vector 6), which it never delivers through
the IDT (a declared quirk). It keeps the ArchState it is given as plain JSON and moves EIP.
Run it under the harness (see README, "Out-of-process subjects"):

    npx xvc run --adapter "exec:python3 harness/adapters/exec/examples/toy_subject.py"

Models: the three instructions above (SDM Vol. 2B, MOV; Vol. 2A, HLT); nothing else.
"""
import base64
import json
import sys

HELLO = {
    "protocol": "xvc-subject/1",
    "name": "toy-python",
    "capabilities": {"modes": ["prot32"], "cpuModels": ["modern"], "paging": ["none"],
                     "singleStep": True, "translate": False, "snapshot": False},
    "quirks": ["exceptions stop the run and are never delivered through the IDT"],
}
REGS = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"]  # the B8+r register order


class Toy:
    def __init__(self):
        self.mem, self.state = bytearray(), None

    def reset(self, p):
        self.mem, self.state = bytearray(p["memorySize"]), None

    def writeMemory(self, p):
        data, at = base64.b64decode(p["data"]), p["address"]
        if at + len(data) > len(self.mem):
            raise ValueError(f"write of {len(data)} bytes at {at:#x} is outside RAM")
        self.mem[at:at + len(data)] = data

    def readMemory(self, p):
        at, n = p["address"], p["length"]
        chunk = bytes(self.mem[at:at + n]).ljust(n, b"\xff")  # no RAM reads as all ones
        return {"data": base64.b64encode(chunk).decode("ascii")}

    def setState(self, p):
        self.state = p["state"]

    def getState(self, p):
        if self.state is None:
            raise RuntimeError("getState before setState")
        return self.state

    def run(self, p):
        s, breakpoints = self.state, set(p.get("breakpoints", []))
        for step in range(p["maxInstructions"]):
            at = (s["segs"]["cs"]["base"] + s["eip"]) & 0xFFFFFFFF
            if step > 0 and at in breakpoints:
                return {"kind": "breakpoint", "eip": s["eip"]}
            op = self.mem[at] if at < len(self.mem) else 0xFF
            if op == 0x90:
                s["eip"] += 1
            elif op == 0xF4:
                s["eip"] += 1
                return {"kind": "halt"}
            elif 0xB8 <= op <= 0xBF:
                s["regs"][REGS[op - 0xB8]] = int.from_bytes(self.mem[at + 1:at + 5], "little")
                s["eip"] += 5
            else:
                return {"kind": "exception", "vector": 6}
        return {"kind": "limit"}

    def close(self, p):
        return None


def send(message):
    print(json.dumps(message), flush=True)


def main():
    toy = Toy()
    send(HELLO)
    for line in sys.stdin:
        request = json.loads(line)
        method = request["method"]
        try:
            if method not in ("reset", "writeMemory", "readMemory", "setState", "getState", "run", "close"):
                raise NotImplementedError(f"{method} is not supported")
            send({"id": request["id"], "result": getattr(toy, method)(request["params"])})
        except Exception as error:  # the call fails; the subject lives on
            send({"id": request["id"], "error": {"message": f"{type(error).__name__}: {error}"}})
        if method == "close":
            break


if __name__ == "__main__":
    main()
