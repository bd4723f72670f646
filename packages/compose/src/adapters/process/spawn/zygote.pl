# The process runtime's zygote (see zygote.ts): a small Perl process that forks held children on
# request. Node reads this file once and runs it with `perl -e`; it is shipped beside the bundle
# (tsup.config.ts copies it into dist/).
#
# Protocol. In (stdin): messages framed as `<byte length>\n<fields separated by NUL>` (no argv,
# path or environment entry can hold a NUL):
#   H id cwd stdout stderr path argv0 ntouch touch... argc args... env...   fork a held child
#   R id   release it: it execs
#   D id   drop it: it exits 0 without running anything
#   C id   the owner holds its own descriptor for the pipe (opened through /proc): close this end
#   W id path   if child id ends after the owner is gone, write `<pid> <exit code>` to path
#   P id cwd stdout stderr path argv0 argc args... env...   fork and exec a command at once (an
#          exec, a health probe): its own session, stdin /dev/null, stdout and stderr appended to
#          those files (created 0600), nothing held
# Out (stdout), one line each:
#   S <id> <pid> <fd>       forked; fd is this process's descriptor for the write end of the
#                           child's pipe, which the owner opens again through /proc to release the
#                           child without this process as a hop (a byte releases it, end of file
#                           from every writer drops it)
#   E <id> <errno>          the fork failed
#   P <id> <pid>            a command of P forked (then X when it ends; E when the fork failed)
#   X <id> <code> <signal>  ended (code -1 when killed by a signal)
# A held child is in its own session and process group, in its working folder, with its
# environment and output files (created before S is written), waiting on its pipe. One that cannot
# set itself up or exec writes why to its stderr file and exits 127. SIGPIPE is ignored here (a
# release may race a child's death); children get the default back before they exec. When its
# stdin closes (its owner exited), its children that wait read end of file and exit, and those that
# run keep running: the zygote stays their parent until the last one ends, and writes how each one
# with a W path ended there (see keep), as a container runtime's shim does; a process adopted by
# pid 1 instead is reaped there, and how it ended is lost.
use strict; use warnings; use POSIX ();
use Fcntl qw(O_WRONLY O_APPEND O_CREAT O_RDONLY F_SETFD FD_CLOEXEC);
my (%ctl, %ids, %exit_file, @forked);
my $GROUP = 16;
pipe(my $wake_r, my $wake_w) or die;
for ($wake_r, $wake_w) { fcntl($_, F_SETFD, FD_CLOEXEC) }
$SIG{CHLD} = sub { syswrite($wake_w, 'c') };
# A release written to a child that has just died (not reaped yet) must not kill the zygote.
$SIG{PIPE} = 'IGNORE';
select((select(STDOUT), $| = 1)[0]);
sub say_ { syswrite(STDOUT, $_[0] . "\n") }
sub fail_ { syswrite(STDERR, "selur-compose: $_[0]: $!\n"); POSIX::_exit(127) }
# In a child, after the fork: stdin from /dev/null, stdout and stderr onto its files ($o, $e: opened
# by the caller, each undefined when its open failed: then it exits 127, having no stderr to say why),
# then its working folder and its environment. Held children and commands at once alike.
sub enter_ {
  my ($o, $e, $cwd, @env) = @_;
  my $n = POSIX::open('/dev/null', O_RDONLY);
  POSIX::_exit(127) unless defined $o && defined $e && defined $n;
  POSIX::dup2($n, 0); POSIX::dup2($o, 1); POSIX::dup2($e, 2);
  POSIX::close($_) for grep { $_ > 2 } ($n, $o, $e);
  chdir($cwd) or fail_("cannot enter $cwd");
  %ENV = map { split(/=/, $_, 2) } @env;
}
sub hold {
  my @f = @_;
  my ($id, $cwd, $out, $err, $path, $argv0, $ntouch) = @f[0 .. 6];
  my @touch = @f[7 .. 6 + $ntouch];
  my $argc = $f[7 + $ntouch];
  my @args = @f[8 + $ntouch .. 7 + $ntouch + $argc];
  my @env = @f[8 + $ntouch + $argc .. $#f];
  pipe(my $r, my $w) or return say_("E $id " . ($! + 0));
  pipe(my $ack_r, my $ack_w) or do { my $e = $! + 0; close $r; close $w; return say_("E $id $e") };
  my $pid = fork();
  if (!defined $pid) { my $e = $! + 0; close $_ for $r, $w, $ack_r, $ack_w; return say_("E $id $e") }
  if ($pid == 0) {
    # Its own session (so its own process group, and its own scheduling group where the kernel
    # groups tasks by session), then the zygote may go on.
    POSIX::setsid();
    # The files exist before the fork is reported (the zygote waits for this acknowledgement):
    # whoever hears of it can watch them at once. The child creates them, not the zygote: a
    # file's creation costs a millisecond on a busy disk, and the zygote forks one child after
    # another while the children set themselves up side by side.
    for my $file (@touch) {
      my $fd = POSIX::open($file, O_WRONLY | O_APPEND | O_CREAT, 0600);
      POSIX::close($fd) if defined $fd;
    }
    my $o = POSIX::open($out, O_WRONLY | O_APPEND | O_CREAT, 0600);
    my $e = POSIX::open($err, O_WRONLY | O_APPEND | O_CREAT, 0600);
    syswrite($ack_w, 's');
    close $_ for values %ctl;
    close $_ for map { ($_->[2], $_->[3]) } @forked; # the ends of siblings forked just before
    close $_ for $w, $ack_r, $ack_w, $wake_r, $wake_w;
    $SIG{CHLD} = 'DEFAULT'; $SIG{PIPE} = 'DEFAULT'; # an ignored signal stays ignored across exec
    enter_($o, $e, $cwd, @env);
    my $go = sysread($r, my $byte, 1);
    POSIX::_exit(0) unless $go;
    close $r;
    { no warnings 'exec'; exec { $path } $argv0, @args; }
    fail_("cannot run $path");
  }
  close $r; close $ack_w;
  $ids{$pid} = $id;
  return [$id, $pid, $w, $ack_r];
}
# A command run at once (P): forked and exec'd, nothing held. Its P line is written before the
# fork is acknowledged by the child (a command is short-lived; waiting for the child to be
# scheduled would delay the zygote): a signal to its process group in the first instants may miss,
# which the owner covers by signalling the pid too. The line always comes before its X (children
# are reaped only at the top of the loop, after the messages of one read were handled).
sub run_ {
  my @f = @_;
  my ($id, $cwd, $out, $err, $path, $argv0, $argc) = @f[0 .. 6];
  my @args = @f[7 .. 6 + $argc];
  my @env = @f[7 + $argc .. $#f];
  my $pid = fork();
  return say_("E $id " . ($! + 0)) unless defined $pid;
  if ($pid == 0) {
    POSIX::setsid();
    $SIG{CHLD} = 'DEFAULT'; $SIG{PIPE} = 'DEFAULT';
    my $o = POSIX::open($out, O_WRONLY | O_APPEND | O_CREAT, 0600);
    my $e = POSIX::open($err, O_WRONLY | O_APPEND | O_CREAT, 0600);
    enter_($o, $e, $cwd, @env);
    # Every other descriptor of the zygote (its pipes) is close-on-exec, as Perl opens them.
    { no warnings 'exec'; exec { $path } $argv0, @args; }
    fail_("cannot run $path");
  }
  $ids{$pid} = $id;
  say_("P $id $pid");
}
# Its session exists before anyone hears of it (a stop signals its process group): a moment,
# for the child to run its first system call (end of file if it died first). The children forked
# from one read of stdin are waited for together (up to $GROUP at a time), so that their first
# steps overlap.
sub settle {
  my ($id, $pid, $w, $ack_r) = @{$_[0]};
  my $got;
  do { $got = sysread($ack_r, my $ack, 1) } while (!defined $got && $! == POSIX::EINTR());
  close $ack_r;
  $ctl{$id} = $w;
  say_("S $id $pid " . fileno($w));
}
sub reap {
  while ((my $pid = waitpid(-1, POSIX::WNOHANG())) > 0) {
    my $id = delete $ids{$pid};
    next unless defined $id;
    delete $exit_file{$id};
    if (my $w = delete $ctl{$id}) { close $w }
    my $st = $?;
    say_($st & 127 ? "X $id -1 " . ($st & 127) : "X $id " . ($st >> 8) . " 0");
  }
}
# The owner is gone. The children still held read end of file and exit; this process waits for
# every child left (blocking: nothing else can arrive), writes how each one with a W path ended
# (`<pid> <code>`, 128 + the signal when one ended it, as a shell says it; written aside, then
# renamed, so a reader never sees half of it), and ends with the last one. Its own session, made
# at its start, keeps it clear of the terminal's signals.
sub keep {
  close $_ for values %ctl;
  %ctl = ();
  $SIG{CHLD} = 'DEFAULT';
  close STDOUT;
  while ((my $pid = waitpid(-1, 0)) > 0) {
    my $id = delete $ids{$pid};
    next unless defined $id;
    my $path = delete $exit_file{$id};
    next unless defined $path;
    my $st = $?;
    my $code = $st & 127 ? 128 + ($st & 127) : $st >> 8;
    if (open(my $fh, '>', "$path.tmp")) {
      print $fh "$pid $code\n";
      close $fh and rename("$path.tmp", $path);
    }
  }
}
my $buf = '';
while (1) {
  my $rin = '';
  vec($rin, fileno(STDIN), 1) = 1;
  vec($rin, fileno($wake_r), 1) = 1;
  my $n = select(my $rout = $rin, undef, undef, undef);
  next if $n <= 0;
  # Reaped when a SIGCHLD woke this loop only (drained first: a child that ends after the drain
  # wakes it again): each waitpid(-1) walks every child of this process in the kernel, 2,000
  # of them in an `up` of 2,000 services, and input arrives many times a second.
  if (vec($rout, fileno($wake_r), 1)) { sysread($wake_r, my $drain, 4096); reap() }
  next unless vec($rout, fileno(STDIN), 1);
  my $got = sysread(STDIN, $buf, 1 << 20, length $buf);
  unless ($got) { keep(); last }
  while (1) {
    my $nl = index($buf, "\n");
    last if $nl < 0;
    my $size = substr($buf, 0, $nl);
    last if length($buf) < $nl + 1 + $size;
    my $message = substr($buf, $nl + 1, $size);
    substr($buf, 0, $nl + 1 + $size, '');
    my ($kind, @f) = split /\0/, $message, -1;
    if ($kind eq 'H') {
      my $held = hold(@f);
      push @forked, $held if ref $held;
      # A burst is reported a group at a time: 1,800 requests at once (the dependants of an
      # `up` of 2,000 services) arrive ~110 to a read, and reporting none until all of a read
      # were forked left the owner without news for half a second at a time.
      if (@forked >= $GROUP) { settle($_) for splice(@forked) }
    }
    elsif ($kind eq 'P') { run_(@f) }
    elsif ($kind eq 'W') { $exit_file{$f[0]} = $f[1] }
    elsif ($kind eq 'R' || $kind eq 'D' || $kind eq 'C') {
      my $w = delete $ctl{$f[0]};
      next unless $w;
      syswrite($w, 'g') if $kind eq 'R';
      close $w;
    }
  }
  settle($_) for splice(@forked);
}
