// 系统设置, 安全策略 and 数据备份 (三员 consoles): Chinese strings. console-settings.en.ts has the same keys.
export const consoleSettingsZh = {
  refusal: {
    sys_admin: '此页面仅限系统管理员使用，您的账号没有相应权限。',
    sec_admin: '此页面仅限安全保密管理员使用，您的账号没有相应权限。',
  },
  form: {
    save: '保存更改…',
    revert: '放弃更改',
    confirmTitle: '确认保存以下更改',
    confirmIntro: '以下 {n} 项将被修改，每项更改都会记入审计日志（原值和新值）：',
    confirm: '确认保存',
    saving: '正在保存…',
    cancel: '取消',
    clean: '当前显示的是正在生效的设置。',
    dirty: '有 {n} 项未保存的更改。',
    savedAt: '已于 {time} 保存，新设置已生效。',
    refused: '服务器未接受这些更改，请按各项下方的红色提示修改后重新保存。',
    current: '当前生效值：{value}',
    range: '可设范围 {min}–{max}',
    chars: '{n}/{max} 字',
    empty: '（空）',
    none: '（无）',
    leave: '有设置的更改尚未保存，离开后这些更改将丢失，生效的仍是原来的设置。',
    seconds: '{n} 秒',
    equals: '即 {time}',
    column: { item: '项目', from: '原值', to: '新值' },
  },
  settings: {
    title: '系统设置',
    intro: '系统名称和登录公告显示在登录页上，所有用户登录前都能看到。修改会记入审计日志。',
    groups: { system: '登录页' },
    fields: {
      system: {
        siteName: { label: '系统名称', help: '登录页上显示的系统名称，例如“某某市委组织部干部人事档案管理系统”。1–60 个字。' },
        loginNotice: {
          label: '登录公告',
          help: '显示在登录页下方的提示或通知，可分多行。最多 500 个字。留空时显示默认提示：“本系统仅限授权人员使用，所有操作均被记录。”',
        },
      },
    },
  },
  security: {
    title: '安全策略',
    intro:
      '依据等保 2.0 第三级（GB/T 22239-2019）“身份鉴别”和“访问控制”的要求设置口令、登录失败处理、会话超时和双因素认证。标注的下限由服务器强制执行，低于下限的值会被拒绝。每项更改都会记入审计日志。',
    groups: {
      password: '口令复杂度与更换',
      lockout: '登录失败处理',
      session: '会话超时',
      totp: '双因素认证（动态验证码）',
      rateLimit: '按来源地址限制登录失败',
    },
    units: { chars: '个字符', classes: '类', times: '次', days: '天', seconds: '秒' },
    fields: {
      password: {
        minLength: {
          label: '口令最小长度',
          help: '新口令至少包含的字符数。',
          bound: '等保要求口令具有复杂度并定期更换；本系统不接受少于 8 个字符的设置。',
        },
        minClasses: {
          label: '口令字符种类',
          help: '大写字母、小写字母、数字、其他符号四类中至少须包含的种类数。',
          bound: '建议不少于 3 类。',
        },
        historyCount: { label: '不得重复使用最近的口令数', help: '修改口令时不能使用最近 N 次用过的口令；0 表示不检查。' },
        maxAgeDays: {
          label: '口令有效期',
          help: '超过天数后必须更换口令；0 表示不过期（演示账号不受此限制）。',
          bound: '等保要求定期更换口令，建议不超过 90 天。',
        },
      },
      lockout: {
        maxFailures: {
          label: '连续失败次数上限',
          help: '同一账号连续输错口令达到此次数即被锁定。锁定期间即使口令正确也无法登录。',
          bound: '等保要求具有登录失败处理功能，建议不超过 5 次。',
        },
        lockSeconds: { label: '锁定时长', help: '账号被锁定后多久自动解锁；系统管理员也可以提前解锁。不少于 60 秒。' },
      },
      session: {
        idleSeconds: {
          label: '空闲超时',
          help: '用户无操作达到此时长后自动退出登录。60 秒至 1 天。',
          bound: '等保要求连接超时自动退出。',
        },
        absoluteSeconds: { label: '会话最长时长', help: '自登录起无论是否操作，到时都须重新登录。不能短于空闲超时；300 秒至 7 天。' },
      },
      totp: {
        roles: {
          label: '必须使用动态验证码的角色',
          help: '勾选的角色登录时除口令外还须输入身份验证器上的 6 位动态验证码。系统管理员、安全保密管理员和安全审计员始终必须使用，不在此列出。',
          bound: '等保三级要求采用口令和密码技术等两种或两种以上组合的鉴别技术。',
        },
      },
      rateLimit: {
        ipMaxFailures: {
          label: '同一地址失败次数上限',
          help: '同一来源地址在时间窗口内登录失败达到此次数后，暂时拒绝其登录。只计失败，同一出口地址的正常登录不受影响。',
        },
        ipWindowSeconds: { label: '统计时间窗口', help: '计算同一地址失败次数的时间范围，10 秒至 1 天。' },
      },
    },
  },
  backups: {
    title: '数据备份',
    intro: '备份包括数据库和数据目录中的文件（档案扫描件、附件等），并附有清单（manifest.json，各表行数、审计日志末条和每个文件的大小与 SHA-256）和校验文件 SHA256SUMS。备份前系统先签署一个审计检查点，因此备份可以单独验证。',
    whereTitle: '备份保存在哪里',
    where: '备份写入服务器上的备份目录（环境变量 BACKUP_DIR，默认为数据目录下的 backups 文件夹），每次备份一个子文件夹，路径见下表。请按所选介质将其另行转存（光盘、移动介质、磁带或异地）。',
    keysTitle: '密钥不在备份中',
    keys: '审计签名私钥和动态验证码加密密钥不会写入备份（备份只带审计公钥）。请将这两个密钥与备份分开妥善保管：恢复到新目录时须把原数据目录下的 keys/totp-aes256.key 一并复制过去，否则服务器拒绝启动；密钥确已丢失时，运维人员可在服务器上执行 npm run admins:reset-totp 重置动态验证码。',
    restore: '恢复须在停止服务后（服务器运行时恢复会被拒绝）由运维人员执行 npm run restore -- <备份文件夹>，系统先校验全部哈希再替换数据。也可在备份文件夹中执行 sha256sum -c SHA256SUMS 自行核对。',
    medium: '存放介质',
    media: { disk: '磁盘', optical: '光盘', usb: '移动存储介质', tape: '磁带', remote: '异地/远程' },
    start: '立即备份',
    running: '正在备份，已用时 {time}。数据较多时可能需要几分钟；离开本页不会中止备份，完成后会列在备份记录中。',
    done: '备份已完成：{path}（{size}，{files} 个文件）。',
    failed: '备份失败：{error}',
    otherRunning: '已有备份正在进行：由 {operator} 于 {at} 开始，已用时 {time}。完成后会列在备份记录中，届时可再次备份。',
    ledger: '备份记录',
    count: '共 {n} 次备份',
    empty: '还没有备份记录。',
    col: {
      at: '时间',
      operator: '操作人',
      medium: '介质',
      kind: '数据库',
      size: '大小',
      files: '文件数',
      path: '位置',
      sha256: '清单 SHA-256',
      auditSeq: '审计检查点',
    },
    auditSeq: '至第 {n} 条',
    kinds: { sqlite: 'SQLite', pg: 'PostgreSQL' },
    verifyHint: '清单校验值用于核对备份文件夹中的 manifest.json 是否被改动；恢复时系统会重新校验每个文件。',
  },
};
