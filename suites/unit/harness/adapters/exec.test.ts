/**
 * Out-of-process subjects over xvc-subject/1 (harness/adapters/exec/): the codec rejects
 * malformed messages with one line naming the field; a subject served in another process (the
 * reference server, over stdio and over sockets, and the Python example) answers as the
 * embedded reference does; every way a subject process can fail (exit at start, crash mid-run,
 * a signal, a hang, garbage, a bad hello, a wrong reply) becomes the SubjectError kind the
 * runner reports, leaves no child process behind, and the next reset() starts a fresh, working
 * one; and `xvc run --adapter exec:` passes isa/golden on the reference server and turns a
 * crashing subject into `error: subject-crash` while the run goes on.
 *
 * Oracle: the embedded reference subject (same program, same calls), and the outcome kinds of
 * DESIGN.md. Leaves out: translate/snapshot/restore against a subject that has them (none of
 * ours does yet; the codec checks of their shapes are here).
 */

import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Parser, type Result as TapResult } from 'tap-parser';
import type { Subject } from '../../../../harness/adapter.ts';
import { createExecSubject, createSocketSubject, type ExecSubjectOptions } from '../../../../harness/adapters/exec/client.ts';
import { SubjectCallError } from '../../../../harness/adapters/exec/connection.ts';
import { listenForSubjects } from '../../../../harness/adapters/exec/listen.ts';
import { decodeHello, decodeReply, decodeRequest, decodeResult } from '../../../../harness/adapters/exec/protocol.ts';
import { createReferenceSubject } from '../../../../harness/adapters/reference/index.ts';
import { execSubjectName, remoteTimeouts, resolveSubject } from '../../../../harness/runner/subjects.ts';
import { flat32Setup, loadProgram as startProgram } from '../../../../harness/state/initial-state.ts';
import { SubjectError } from '../../../../harness/suite/run-instance.ts';
import { runCli } from '../../../support/run-cli.ts';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const REFERENCE_SERVER = 'node --import tsx harness/adapters/exec/reference-server.ts';
const FIXTURE = 'node --import tsx suites/unit/harness/adapters/fixtures/misbehaving-subject.ts';
const fixture = (mode: string): string => `${FIXTURE} ${mode}`;
const inRoot: ExecSubjectOptions = { cwd: root };

/** mov eax, 0x12345678; inc eax; add ebx, eax; push eax; pop ecx; hlt. */
const PROGRAM = [0xb8, 0x78, 0x56, 0x34, 0x12, 0x40, 0x01, 0xc3, 0x50, 0x59, 0xf4];

/** Loads the program in flat 32-bit protected mode at 0x1000, stack at 0x8000. */
async function loadProgram(subject: Subject, program: readonly number[] = PROGRAM): Promise<void> {
  await startProgram(subject, { cpu: 'modern', memorySize: 1 << 20 }, flat32Setup({ eip: 0x1000, regs: { esp: 0x8000, ebx: 7 } }), 0x1000, program);
}

/** What a run to HLT leaves behind: stop, state and the stack bytes the program wrote. */
async function runToHalt(subject: Subject, program?: readonly number[]) {
  await loadProgram(subject, program);
  const stop = await subject.run({ maxInstructions: 100 });
  return { stop, state: await subject.getState(), stack: [...(await subject.readMemory(0x7ff0, 16))] };
}

/**
 * Processes whose parent is this one (Linux /proc), zombies included: there must be none between
 * tests. tsx's esbuild service is a child too, and is not ours to count.
 */
function childProcesses(): string[] {
  if (!existsSync('/proc/self/stat')) return [];
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fieldsAfterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (Number(fieldsAfterName[1]) === process.pid && name !== 'esbuild') found.push(`${entry} ${stat.slice(stat.indexOf('('), stat.lastIndexOf(')') + 1)} state ${fieldsAfterName[0]}`);
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/** Pids of processes whose command line is exactly `argv` (Linux /proc). */
function processesRunning(argv: readonly string[]): string[] {
  if (!existsSync('/proc/self/cmdline')) return [];
  return readdirSync('/proc').filter((entry) => {
    try {
      return /^\d+$/.test(entry) && readFileSync(`/proc/${entry}/cmdline`, 'utf8') === `${argv.join('\0')}\0`;
    } catch {
      return false;
    }
  });
}

/** A hello for subjects written as one-line shell scripts (they never get as far as running anything). */
const SHELL_HELLO = JSON.stringify({ protocol: 'xvc-subject/1', name: 'sh', capabilities: { modes: [], cpuModels: [], paging: [], singleStep: false, translate: false, snapshot: false }, quirks: [] });

async function expectSubjectError(work: Promise<unknown>, kind: SubjectError['kind'], message: RegExp): Promise<SubjectError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the call should fail').to.be.instanceOf(SubjectError);
  const subjectError = error as SubjectError;
  expect(subjectError.kind, subjectError.message).to.equal(kind);
  expect(subjectError.message).to.match(message);
  expect(subjectError.message, 'one line').not.to.include('\n');
  return subjectError;
}

describe('out-of-process subjects (xvc-subject/1)', function () {
  this.timeout(60_000);

  // Children that other test files left running are not this file's to judge.
  let childrenBefore: Set<string>;
  const pidOf = (child: string): string => child.split(' ', 1)[0]!;
  const newChildren = (): string[] => childProcesses().filter((child) => !childrenBefore.has(pidOf(child)));
  beforeEach(function () {
    childrenBefore = new Set(childProcesses().map(pidOf));
  });
  afterEach(function () {
    expect(newChildren(), 'subject processes left behind').to.deep.equal([]);
  });

  describe('the codec', function () {
    const hello = { protocol: 'xvc-subject/1', name: 'emu', capabilities: { modes: ['prot32'], cpuModels: ['modern'], paging: ['none'], singleStep: true, translate: false, snapshot: false }, quirks: [] };
    const state = flat32Setup().state;

    it('reads a hello and names what is wrong with a bad one', function () {
      expect(decodeHello(JSON.stringify(hello)).name).to.equal('emu');
      expect(decodeHello(JSON.stringify({ ...hello, 'x-version': '1.2' }))).to.not.have.property('x-version');
      expect(() => decodeHello('hello')).to.throw(/the hello line is not JSON: "hello"/);
      expect(() => decodeHello(JSON.stringify({ ...hello, protocol: 'xvc-subject/2' }))).to.throw(/hello.protocol must be "xvc-subject\/1", got "xvc-subject\/2"/);
      expect(() => decodeHello(JSON.stringify({ ...hello, capabilities: { ...hello.capabilities, modes: ['long'] } }))).to.throw(/hello.capabilities.modes\[0\] must be one of real, v86, prot16, prot32, got "long"/);
      expect(() => decodeHello(JSON.stringify({ ...hello, quirks: undefined }))).to.throw(/hello lacks the field 'quirks'/);
      expect(() => decodeHello(JSON.stringify({ ...hello, capabilitys: {} }))).to.throw(/hello has an unknown field 'capabilitys'/);
    });

    it('checks reply envelopes and each method result strictly', function () {
      expect(decodeReply('{"id":3,"result":null}')).to.deep.equal({ id: 3, result: null });
      expect(decodeReply('{"id":4,"error":{"message":"no RAM there"}}')).to.deep.equal({ id: 4, error: { message: 'no RAM there' } });
      expect(decodeReply('{"id":5,"error":{"message":"core died","kind":"subject-crash"}}')).to.deep.equal({ id: 5, error: { message: 'core died', kind: 'subject-crash' } });
      expect(() => decodeReply('{"id":6,"error":{"message":"x","kind":"harness"}}')).to.throw(/reply 6: error.kind must be one of subject-crash, timeout, protocol/);
      expect(() => decodeReply('{"id":3}')).to.throw(/reply 3 must have exactly one of 'result' and 'error'/);
      expect(() => decodeReply('{"id":-1,"result":null}')).to.throw(/reply.id must be a request id/);
      expect(decodeResult('getState', JSON.parse(JSON.stringify(state)))).to.deep.equal(state);
      expect(() => decodeResult('getState', { ...state, eflags: 2 ** 32 })).to.throw(/result of getState.eflags must be an unsigned 32-bit integer, got 4294967296/);
      expect(() => decodeResult('getState', { ...state, segs: { ...state.segs, cs: { ...state.segs.cs, attr: 'code' } } })).to.throw(/result of getState.segs.cs.attr must be an unsigned 16-bit integer/);
      expect(decodeResult('run', { kind: 'exception', vector: 14, errorCode: 2 })).to.deep.equal({ kind: 'exception', vector: 14, errorCode: 2 });
      expect(() => decodeResult('run', { kind: 'exception', vector: 256 })).to.throw(/result of run.vector must be an exception vector from 0 to 255/);
      expect(() => decodeResult('run', { kind: 'halt', eip: 4 })).to.throw(/result of run has an unknown field 'eip'/);
      expect(() => decodeResult('run', { kind: 'stopped' })).to.throw(/result of run.kind must be one of limit, halt/);
      expect(() => decodeResult('readMemory', { data: 'abc' })).to.throw(/result of readMemory.data must be padded standard base64/);
      expect(decodeResult('translate', { physical: null })).to.deep.equal({ physical: null });
      expect(() => decodeResult('translate', { physical: 0x1000, writable: 1 })).to.throw(/result of translate.writable must be true or false/);
      expect(() => decodeResult('reset', {})).to.throw(/result of reset must be null/);
    });

    it('decodes requests on the subject side, keeping the id of a bad one so it can be answered', function () {
      expect(decodeRequest('{"id":1,"method":"run","params":{"maxInstructions":5,"breakpoints":[4096]}}').request).to.deep.equal({ id: 1, method: 'run', params: { maxInstructions: 5, breakpoints: [4096] } });
      expect(decodeRequest('{"id":2,"method":"reset","params":{"cpu":"z80","memorySize":1}}')).to.deep.include({ id: 2, problem: 'params of reset.cpu must be one of i286, i386, i486, pentium, p6, modern, got "z80"' });
      expect(decodeRequest('{"id":3,"method":"fly","params":{}}').problem).to.match(/request.method must be one of reset/);
      expect(decodeRequest('not json')).to.deep.include({ id: null });
    });
  });

  describe('a well-behaved subject process', function () {
    it('the reference server gives what the embedded reference gives (flat32 program to HLT)', async function () {
      const embedded = await runToHalt(createReferenceSubject());
      const remote = await createExecSubject(REFERENCE_SERVER, inRoot);
      try {
        expect(remote.name).to.equal('reference');
        expect(remote.capabilities).to.deep.equal(createReferenceSubject().capabilities);
        expect(await runToHalt(remote)).to.deep.equal(embedded);
        expect(embedded.stop.kind).to.equal('halt');
        expect(embedded.state.regs.ecx).to.equal(0x12345679);
        // Breakpoints and single steps cross the wire too.
        await loadProgram(remote);
        expect(await remote.run({ maxInstructions: 100, breakpoints: [0x1008] })).to.deep.equal({ kind: 'breakpoint', eip: 0x1008 });
        expect(await remote.run({ maxInstructions: 1 })).to.deep.equal({ kind: 'limit' });
        expect((await remote.getState()).eip).to.equal(0x1009);
      } finally {
        await remote.close();
      }
    });

    it('an error reply fails that call only; the subject lives on', async function () {
      const remote = await createExecSubject(REFERENCE_SERVER, inRoot);
      try {
        await remote.reset({ cpu: 'modern', memorySize: 0x1000 });
        const error = await remote.writeMemory(0x2000, Uint8Array.of(1)).then(() => undefined, (e: unknown) => e);
        expect(error).to.be.instanceOf(SubjectCallError);
        expect((error as Error).message).to.equal('writeMemory: write of 1 bytes at 0x2000 is outside RAM');
        await remote.writeMemory(0x10, Uint8Array.of(0xaa, 0xbb));
        expect([...(await remote.readMemory(0x10, 2))]).to.deep.equal([0xaa, 0xbb]);
      } finally {
        await remote.close();
      }
    });

    it('a subject may exit on close without answering; close() still resolves', async function () {
      const remote = await createExecSubject(fixture('exit-on-close'), inRoot);
      await remote.reset({ cpu: 'modern', memorySize: 0x1000 });
      const started = performance.now();
      await remote.close();
      expect(performance.now() - started).to.be.below(1_500);
    });

    it('the Python example speaks the protocol (the three instructions it knows)', async function () {
      if (spawnSync('python3', ['--version']).status !== 0) this.skip(); // no python3 on this machine
      const toy = await createExecSubject('python3 harness/adapters/exec/examples/toy_subject.py', inRoot);
      try {
        expect(toy.name).to.equal('toy-python');
        expect(toy.quirks).to.have.length(1);
        const program = [0xb8, 0x78, 0x56, 0x34, 0x12, 0x90, 0xbb, 0x01, 0x00, 0x00, 0x00, 0xf4]; // mov eax; nop; mov ebx; hlt
        const embedded = await runToHalt(createReferenceSubject(), program);
        const remote = await runToHalt(toy, program);
        expect(remote.stop).to.deep.equal(embedded.stop);
        expect(remote.state.regs).to.deep.equal(embedded.state.regs);
        expect(remote.state.eip).to.equal(embedded.state.eip);
        await loadProgram(toy, [0x0f, 0x0b]); // ud2: not one of its three
        expect(await toy.run({ maxInstructions: 10, stopOnException: true })).to.deep.equal({ kind: 'exception', vector: 6 });
      } finally {
        await toy.close();
      }
    });
  });

  describe('a subject process that fails', function () {
    let scratch: string;
    before(function () {
      scratch = mkdtempSync(join(tmpdir(), 'xvc-exec-test-'));
    });
    after(function () {
      rmSync(scratch, { recursive: true, force: true });
    });

    it('exits before its hello: subject-crash with the exit code and the last stderr line', async function () {
      await expectSubjectError(
        createExecSubject(`echo 'loading core' >&2; echo 'cannot open libemu.so' >&2; exit 1`),
        'subject-crash',
        /^subject process '.*' exited with code 1 before its hello \(last stderr: cannot open libemu.so\)$/,
      );
      await expectSubjectError(createExecSubject('./no-such-emulator --xvc'), 'subject-crash', /exited with code 127 before its hello \(last stderr: .*not found\)/);
    });

    it('crashes mid-run: subject-crash; reset() starts a fresh process that works', async function () {
      const remote = await createExecSubject(fixture(`crash-once ${join(scratch, 'crashed')}`), inRoot);
      try {
        await loadProgram(remote);
        await expectSubjectError(remote.run({ maxInstructions: 100 }), 'subject-crash', /exited with code 3 during run \(last stderr: fixture: emulator core crashed in run\)$/);
        expect(newChildren(), 'the crashed process is reaped before the error is thrown').to.deep.equal([]);
        await expectSubjectError(remote.getState(), 'subject-crash', /stays dead until reset\(\)/);
        const embedded = await runToHalt(createReferenceSubject());
        expect(await runToHalt(remote)).to.deep.equal(embedded);
      } finally {
        await remote.close();
      }
    });

    it('answers a call with an error of kind subject-crash (its core died, the process lives): the kind reaches the harness', async function () {
      const remote = await createExecSubject(fixture('core-abort-on-run'), inRoot);
      try {
        await loadProgram(remote);
        await expectSubjectError(remote.run({ maxInstructions: 100 }), 'subject-crash', /^run: emulator core aborted \(panic in cpu\.rs\)$/);
      } finally {
        await remote.close();
      }
    });

    it('is killed by a signal: subject-crash naming the signal', async function () {
      const env = { ...process.env, XVC_TEST_HELLO: SHELL_HELLO };
      const direct = await createExecSubject(`printf '%s\\n' "$XVC_TEST_HELLO"; read request; kill -SEGV $$`, { env });
      await expectSubjectError(direct.reset({ cpu: 'modern', memorySize: 16 }), 'subject-crash', /was killed by signal SIGSEGV during reset/);
      const wrapped = await createExecSubject(`printf '%s\\n' "$XVC_TEST_HELLO"; read request; sh -c 'kill -SEGV $$'`, { env });
      await expectSubjectError(wrapped.reset({ cpu: 'modern', memorySize: 16 }), 'subject-crash', /exited with code 139 \(a shell's report of SIGSEGV\) during reset/);
    });

    it('exits and leaves a process of its group behind: that one is killed too', async function () {
      const env = { ...process.env, XVC_TEST_HELLO: SHELL_HELLO };
      // The background sleep holds stdout open, as a forked emulator helper would.
      const remote = await createExecSubject(`sleep 617 & printf '%s\\n' "$XVC_TEST_HELLO"; read request; exit 5`, { env });
      await expectSubjectError(remote.reset({ cpu: 'modern', memorySize: 16 }), 'subject-crash', /exited with code 5 during reset/);
      expect(processesRunning(['sleep', '617'])).to.deep.equal([]);
    });

    it('hangs: timeout, the process group is killed; reset() starts a fresh process', async function () {
      const remote = await createExecSubject(fixture('hang-on-run'), { ...inRoot, runTimeoutMs: 500 });
      try {
        await loadProgram(remote);
        const started = performance.now();
        await expectSubjectError(remote.run({ maxInstructions: 100 }), 'timeout', /^no reply to run within 500 ms; subject process '.*' killed$/);
        expect(performance.now() - started).to.be.below(3_000);
        await loadProgram(remote);
        expect((await remote.getState()).eip).to.equal(0x1000);
      } finally {
        await remote.close();
      }
    });

    it('sends no hello: timeout at start', async function () {
      await expectSubjectError(createExecSubject(fixture('no-hello'), { ...inRoot, startTimeoutMs: 1_500 }), 'timeout', /sent no hello within 1500 ms; killed/);
    });

    it('prints garbage: protocol; reset() starts a fresh process', async function () {
      const remote = await createExecSubject(fixture('garbage-on-getState'), inRoot);
      try {
        await loadProgram(remote);
        await expectSubjectError(remote.getState(), 'protocol', /broke the protocol: a reply line is not JSON: "Segfault handler: dumping registers\.\.\."/);
        await loadProgram(remote);
        expect(await remote.run({ maxInstructions: 100 })).to.deep.equal({ kind: 'halt' });
      } finally {
        await remote.close();
      }
    });

    it('sends a bad hello: protocol', async function () {
      await expectSubjectError(createExecSubject(fixture('bad-hello'), inRoot), 'protocol', /broke the protocol: hello.protocol must be "xvc-subject\/1", got "xvc-subject\/0"/);
    });

    it('answers with an unknown id or a state of the wrong shape: protocol', async function () {
      const wrongId = await createExecSubject(fixture('wrong-id'), inRoot);
      await expectSubjectError(wrongId.reset({ cpu: 'modern', memorySize: 16 }), 'protocol', /reply with id 101, which no pending request has/);
      const badState = await createExecSubject(fixture('bad-state'), inRoot);
      await badState.reset({ cpu: 'modern', memorySize: 16 });
      await expectSubjectError(badState.getState(), 'protocol', /result of getState.eflags must be an unsigned 32-bit integer, got -1/);
      await badState.close();
    });
  });

  describe('the socket transport', function () {
    it('serves a fresh reference per connection over TCP and a Unix socket', async function () {
      const embedded = await runToHalt(createReferenceSubject());
      const dir = mkdtempSync(join(tmpdir(), 'xvc-sock-'));
      const tcp = await listenForSubjects(() => createReferenceSubject(), '127.0.0.1:0');
      const unix = await listenForSubjects(() => createReferenceSubject(), join(dir, 'ref.sock'));
      try {
        for (const address of [tcp.address, unix.address]) {
          const remote = await createSocketSubject(address);
          expect(await runToHalt(remote)).to.deep.equal(embedded);
          await remote.close();
        }
      } finally {
        await tcp.close();
        await unix.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('a refused connection is subject-crash; a hang drops the connection and reset() reconnects', async function () {
      const server = await listenForSubjects(() => createReferenceSubject(), '127.0.0.1:0');
      const address = server.address;
      await server.close();
      await expectSubjectError(createSocketSubject(address), 'subject-crash', new RegExp(`^cannot connect to subject at ${address}: ECONNREFUSED$`));

      let sessions = 0;
      const hanging = await listenForSubjects(() => {
        const reference = createReferenceSubject();
        // The first session's machine hangs in run; later ones work.
        return ++sessions === 1 ? { ...reference, run: () => new Promise(() => {}) } : reference;
      }, '127.0.0.1:0');
      try {
        const remote = await createSocketSubject(hanging.address, { runTimeoutMs: 300 });
        await loadProgram(remote);
        await expectSubjectError(remote.run({ maxInstructions: 10 }), 'timeout', /no reply to run within 300 ms; subject at 127\.0\.0\.1:\d+ killed/);
        expect((await runToHalt(remote)).stop).to.deep.equal({ kind: 'halt' });
        await remote.close();
      } finally {
        await hanging.close();
      }
    });
  });

  describe('--adapter exec: and socket:', function () {
    it('names subjects after the command and rejects bad specs in one line', async function () {
      expect(execSubjectName(REFERENCE_SERVER)).to.equal('exec-reference-server');
      expect(execSubjectName('./build/my-emu --xvc')).to.equal('exec-my-emu');
      expect(execSubjectName('EMU_LOG=1 qemu-xvc-bridge -m 16')).to.equal('exec-qemu-xvc-bridge');
      expect((await resolveSubject('socket:127.0.0.1:7000')).name).to.equal('socket-127.0.0.1-7000');
      expect((await resolveSubject('socket:/run/xvc/emu.sock')).name).to.equal('socket-emu');
      expect((await resolveSubject('exec:./emu')).isReference).to.equal(false);
      expect((await resolveSubject('./harness/adapters/unicorn/index.ts')).name, 'a module named index takes its folder name').to.equal('unicorn');
      expect((await resolveSubject('qemu')).name).to.equal('qemu');
      await resolveSubject('exec:  ').then(() => expect.fail('accepted'), (e: Error) => expect(e.message).to.match(/--adapter exec: needs a command/));
      await resolveSubject('socket:localhost').then(() => expect.fail('accepted'), (e: Error) => expect(e.message).to.match(/socket address 'localhost' is neither HOST:PORT/));
      expect(remoteTimeouts({ XVC_SUBJECT_RUN_TIMEOUT_MS: '500' })).to.deep.equal({ runTimeoutMs: 500 });
      expect(() => remoteTimeouts({ XVC_SUBJECT_TIMEOUT_MS: '10s' })).to.throw(/XVC_SUBJECT_TIMEOUT_MS must be a positive number of milliseconds, got '10s'/);
    });

    it('a factory starts one process to learn the hello; later subjects start at their first call', async function () {
      const resolved = await resolveSubject(`exec:${REFERENCE_SERVER}`);
      const cwd = process.cwd();
      process.chdir(root);
      try {
        const first = await resolved.subjects();
        await first.close();
        const probed = await resolved.subjects();
        expect(probed.capabilities.modes).to.include('prot32');
        expect(newChildren(), 'probing starts no process').to.deep.equal([]);
        await probed.close();
        const used = await resolved.subjects();
        expect((await runToHalt(used)).stop).to.deep.equal({ kind: 'halt' });
        await used.close();
      } finally {
        process.chdir(cwd);
      }
    });
  });

  describe('xvc run --adapter exec:', function () {
    let out: string;
    before(function () {
      out = mkdtempSync(join(tmpdir(), 'xvc-exec-run-'));
    });
    after(function () {
      rmSync(out, { recursive: true, force: true });
    });

    function tapAsserts(path: string): TapResult[] {
      const asserts: TapResult[] = [];
      const parser = new Parser();
      parser.on('assert', (r: TapResult) => asserts.push(r));
      parser.end(readFileSync(path, 'utf8'));
      return asserts;
    }

    it('passes isa/golden on the reference server, as the embedded reference does', async function () {
      const r = await runCli(['run', '--adapter', `exec:${REFERENCE_SERVER}`, '--suite', 'isa/golden', '--out', join(out, 'good')], 120_000);
      expect(r.code, r.stdout + r.stderr).to.equal(0);
      expect(r.stdout).to.match(/subject exec-reference-server/);
      const asserts = tapAsserts(join(out, 'good', 'results.tap'));
      expect(asserts.length).to.be.greaterThan(1);
      expect(asserts.filter((a) => !a.ok).map((a) => a.name)).to.deep.equal([]);
      const report = JSON.parse(readFileSync(join(out, 'good', 'report.json'), 'utf8')) as { subject: { name: string; spec: string } };
      expect(report.subject).to.include({ name: 'exec-reference-server', spec: `exec:${REFERENCE_SERVER}` });
    });

    it('a subject that crashes is error: subject-crash, and the run goes on with a fresh process', async function () {
      const marker = join(out, 'crashed-once');
      const suites = ['arith-flags', 'bcd-adjust', 'bit-ops'].flatMap((name) => ['--suite', `isa/golden~${name}`]);
      const r = await runCli(['run', '--adapter', `exec:${fixture(`crash-once ${marker}`)}`, ...suites, '--out', join(out, 'crash')], 120_000);
      expect(r.code, r.stdout + r.stderr).to.equal(1);
      const asserts = tapAsserts(join(out, 'crash', 'results.tap'));
      const failed = asserts.filter((a) => !a.ok);
      expect(failed.map((a) => a.name), 'exactly the first instance').to.deep.equal(['isa/golden~arith-flags']);
      expect(failed[0]!.diag).to.include({ kind: 'subject-crash' });
      expect(String(failed[0]!.diag?.message ?? JSON.stringify(failed[0]!.diag))).to.match(/exited with code 3 during run/);
      expect(asserts.filter((a) => a.ok).map((a) => a.name), 'the instances after it pass').to.deep.equal(['isa/golden~bcd-adjust', 'isa/golden~bit-ops']);
    });
  });
});
