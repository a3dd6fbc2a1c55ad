-- A real editor as an LSP client, for the end-to-end test (works with Neovim 0.7+).
-- Starts `$K8SC_LSP_CMD lsp` for *.k8s files, writes each publishDiagnostics it receives
-- as one JSON line to $K8SC_LSP_OUT, and quits once a non-empty one arrives.
-- Exit status: 0 received, 2 the server could not be started, 3 the server died,
-- 4 nothing arrived within 10 seconds.
local command = os.getenv("K8SC_LSP_CMD") or "k8sc"
local out = os.getenv("K8SC_LSP_OUT") or "diagnostics.jsonl"

local function quit(status)
  vim.schedule(function()
    if status == 0 then
      vim.cmd("qall!")
    else
      vim.cmd("cquit " .. status)
    end
  end)
end

local function publish(err, result, ctx, config)
  local file = io.open(out, "a")
  if file then
    file:write(vim.fn.json_encode(result) .. "\n")
    file:close()
  end
  if result and result.diagnostics and #result.diagnostics > 0 then
    quit(0)
  end
end

function K8scStart()
  local id = vim.lsp.start_client({
    name = "k8sc",
    cmd = { command, "lsp" },
    root_dir = vim.fn.getcwd(),
    handlers = { ["textDocument/publishDiagnostics"] = publish },
    on_exit = function(code, signal)
      if code ~= 0 then
        quit(3)
      end
    end,
  })
  if not id then
    quit(2)
    return
  end
  vim.lsp.buf_attach_client(0, id)
end

vim.cmd([[autocmd BufRead,BufNewFile *.k8s setfiletype k8sc]])
vim.cmd([[autocmd FileType k8sc lua K8scStart()]])
vim.defer_fn(function() quit(4) end, 10000)
