/**
 * The directives systemd 252 knows in the sections of a `.service` unit: [Unit],
 * [Service] (service, exec, kill and resource-control settings) and [Install].
 * Data only. The list matches `systemd --dump-configuration-items` of systemd 252
 * (test/exports/unit-file.test.ts checks it against the real binary when present).
 *
 * systemd only warns about unknown keys and sections (and ignores `X-` prefixed
 * ones silently), so lint reports them as warnings: image-authored units must keep working.
 */

const words = (s: string): readonly string[] => s.trim().split(/\s+/)

const UNIT = words(`
  Description Documentation SourcePath Requires Requisite Wants BindsTo BindTo Upholds Conflicts Before
  After OnSuccess OnFailure PropagatesReloadTo PropagateReloadTo ReloadPropagatedFrom PropagateReloadFrom
  PropagatesStopTo StopPropagatedFrom PartOf JoinsNamespaceOf RequiresOverridable RequisiteOverridable
  RequiresMountsFor StopWhenUnneeded RefuseManualStart RefuseManualStop AllowIsolate DefaultDependencies
  OnSuccessJobMode OnFailureJobMode OnFailureIsolate IgnoreOnIsolate JobTimeoutSec JobRunningTimeoutSec
  JobTimeoutAction JobTimeoutRebootArgument StartLimitIntervalSec StartLimitInterval StartLimitBurst
  StartLimitAction FailureAction SuccessAction FailureActionExitStatus SuccessActionExitStatus
  RebootArgument ConditionPathExists ConditionPathExistsGlob ConditionPathIsDirectory
  ConditionPathIsSymbolicLink ConditionPathIsMountPoint ConditionPathIsReadWrite ConditionPathIsEncrypted
  ConditionDirectoryNotEmpty ConditionFileNotEmpty ConditionFileIsExecutable ConditionNeedsUpdate
  ConditionFirstBoot ConditionArchitecture ConditionFirmware ConditionVirtualization ConditionHost
  ConditionKernelCommandLine ConditionKernelVersion ConditionCredential ConditionSecurity
  ConditionCapability ConditionACPower ConditionMemory ConditionCPUFeature ConditionCPUs
  ConditionEnvironment ConditionUser ConditionGroup ConditionControlGroupController ConditionOSRelease
  ConditionMemoryPressure ConditionCPUPressure ConditionIOPressure AssertPathExists AssertPathExistsGlob
  AssertPathIsDirectory AssertPathIsSymbolicLink AssertPathIsMountPoint AssertPathIsReadWrite
  AssertPathIsEncrypted AssertDirectoryNotEmpty AssertFileNotEmpty AssertFileIsExecutable
  AssertNeedsUpdate AssertFirstBoot AssertArchitecture AssertVirtualization AssertHost
  AssertKernelCommandLine AssertKernelVersion AssertCredential AssertSecurity AssertCapability
  AssertACPower AssertMemory AssertCPUFeature AssertCPUs AssertEnvironment AssertUser AssertGroup
  AssertControlGroupController AssertOSRelease AssertMemoryPressure AssertCPUPressure AssertIOPressure
  CollectMode`)

const SERVICE = words(`
  PIDFile ExecCondition ExecStartPre ExecStart ExecStartPost ExecReload ExecStop ExecStopPost RestartSec
  TimeoutSec TimeoutStartSec TimeoutStopSec TimeoutAbortSec TimeoutStartFailureMode
  TimeoutStopFailureMode RuntimeMaxSec RuntimeRandomizedExtraSec WatchdogSec StartLimitInterval
  StartLimitBurst StartLimitAction FailureAction RebootArgument Type ExitType Restart
  PermissionsStartOnly RootDirectoryStartOnly RemainAfterExit GuessMainPID RestartPreventExitStatus
  RestartForceExitStatus SuccessExitStatus NonBlocking BusName FileDescriptorStoreMax NotifyAccess
  Sockets USBFunctionDescriptors USBFunctionStrings OOMPolicy WorkingDirectory RootDirectory RootImage
  RootImageOptions RootHash RootHashSignature RootVerity ExtensionDirectories ExtensionImages MountImages
  User Group SupplementaryGroups Nice OOMScoreAdjust CoredumpFilter IOSchedulingClass
  IOSchedulingPriority CPUSchedulingPolicy CPUSchedulingPriority CPUSchedulingResetOnFork CPUAffinity
  NUMAPolicy NUMAMask UMask Environment EnvironmentFile PassEnvironment UnsetEnvironment DynamicUser
  RemoveIPC StandardInput StandardOutput StandardError StandardInputText StandardInputData TTYPath
  TTYReset TTYVHangup TTYVTDisallocate TTYRows TTYColumns SyslogIdentifier SyslogFacility SyslogLevel
  SyslogLevelPrefix LogLevelMax LogRateLimitIntervalSec LogRateLimitBurst LogExtraFields SecureBits
  CapabilityBoundingSet AmbientCapabilities TimerSlackNSec NoNewPrivileges KeyringMode ProtectProc
  ProcSubset SystemCallFilter SystemCallArchitectures SystemCallErrorNumber SystemCallLog
  MemoryDenyWriteExecute RestrictNamespaces RestrictRealtime RestrictSUIDSGID RestrictAddressFamilies
  LockPersonality RestrictFileSystems LimitCPU LimitFSIZE LimitDATA LimitSTACK LimitCORE LimitRSS
  LimitNOFILE LimitAS LimitNPROC LimitMEMLOCK LimitLOCKS LimitSIGPENDING LimitMSGQUEUE LimitNICE
  LimitRTPRIO LimitRTTIME ReadWriteDirectories ReadOnlyDirectories InaccessibleDirectories ReadWritePaths
  ReadOnlyPaths InaccessiblePaths ExecPaths NoExecPaths ExecSearchPath BindPaths BindReadOnlyPaths
  TemporaryFileSystem PrivateTmp PrivateDevices ProtectKernelTunables ProtectKernelModules
  ProtectKernelLogs ProtectClock ProtectControlGroups NetworkNamespacePath IPCNamespacePath LogNamespace
  PrivateNetwork PrivateUsers PrivateMounts PrivateIPC ProtectSystem ProtectHome MountFlags MountAPIVFS
  Personality RuntimeDirectoryPreserve RuntimeDirectoryMode RuntimeDirectory StateDirectoryMode
  StateDirectory CacheDirectoryMode CacheDirectory LogsDirectoryMode LogsDirectory
  ConfigurationDirectoryMode ConfigurationDirectory SetCredential SetCredentialEncrypted LoadCredential
  LoadCredentialEncrypted TimeoutCleanSec PAMName IgnoreSIGPIPE UtmpIdentifier UtmpMode SELinuxContext
  AppArmorProfile SmackProcessLabel ProtectHostname Slice AllowedCPUs StartupAllowedCPUs
  AllowedMemoryNodes StartupAllowedMemoryNodes CPUAccounting CPUWeight StartupCPUWeight CPUShares
  StartupCPUShares CPUQuota CPUQuotaPeriodSec MemoryAccounting MemoryMin DefaultMemoryMin
  DefaultMemoryLow MemoryLow MemoryHigh MemoryMax MemorySwapMax MemoryLimit DeviceAllow DevicePolicy
  IOAccounting IOWeight StartupIOWeight IODeviceWeight IOReadBandwidthMax IOWriteBandwidthMax
  IOReadIOPSMax IOWriteIOPSMax IODeviceLatencyTargetSec BlockIOAccounting BlockIOWeight
  StartupBlockIOWeight BlockIODeviceWeight BlockIOReadBandwidth BlockIOWriteBandwidth TasksAccounting
  TasksMax Delegate DisableControllers IPAccounting IPAddressAllow IPAddressDeny IPIngressFilterPath
  IPEgressFilterPath ManagedOOMSwap ManagedOOMMemoryPressure ManagedOOMMemoryPressureLimit
  ManagedOOMPreference BPFProgram SocketBindAllow SocketBindDeny RestrictNetworkInterfaces SendSIGKILL
  SendSIGHUP KillMode KillSignal RestartKillSignal FinalKillSignal WatchdogSignal`)

const INSTALL = words(`
  Alias WantedBy RequiredBy Also DefaultInstance
`)

export type UnitSectionName = 'Unit' | 'Service' | 'Install'

/** Known keys per section of a service unit. Keys are case-sensitive, as in systemd. */
export const UNIT_KEYS: Readonly<Record<UnitSectionName, ReadonlySet<string>>> = {
  Unit: new Set(UNIT),
  Service: new Set(SERVICE),
  Install: new Set(INSTALL),
}

export const UNIT_SECTIONS: readonly UnitSectionName[] = ['Unit', 'Service', 'Install']

export const isKnownUnitSection = (name: string): name is UnitSectionName => (UNIT_SECTIONS as readonly string[]).includes(name)

/** systemd ignores sections and keys whose name starts with `X-` without a warning. */
export const isExtensionName = (name: string): boolean => name.startsWith('X-')

/** Keys systemd 252 still accepts but warns about, with what to use instead. */
export const DEPRECATED_UNIT_KEYS: Readonly<Record<string, string>> = {
  'Unit.RequiresOverridable': 'Requires=',
  'Unit.RequisiteOverridable': 'Requisite=',
  'Service.MemoryLimit': 'MemoryMax=',
  'Service.CPUShares': 'CPUWeight=',
  'Service.StartupCPUShares': 'StartupCPUWeight=',
  'Service.BlockIODeviceWeight': 'IODeviceWeight=',
  'Service.BlockIOReadBandwidth': 'IOReadBandwidthMax=',
  'Service.BlockIOWriteBandwidth': 'IOWriteBandwidthMax=',
}

/**
 * Keys whose value is one word from a fixed list; systemd ignores the assignment
 * (with a warning) otherwise. `emptyOk`: an empty assignment resets to the default.
 */
export const UNIT_ENUM_VALUES: Readonly<Record<string, {readonly values: readonly string[]; readonly emptyOk: boolean}>> = {
  'Service.Type': {values: words('simple exec forking oneshot dbus notify idle'), emptyOk: false},
  'Service.Restart': {values: words('no on-success on-failure on-abnormal on-watchdog on-abort always'), emptyOk: false},
  'Service.NotifyAccess': {values: words('none main exec all'), emptyOk: false},
  'Service.ExitType': {values: words('main cgroup'), emptyOk: false},
  'Service.KillMode': {values: words('control-group process mixed none'), emptyOk: true},
}
