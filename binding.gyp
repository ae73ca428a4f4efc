{
  "targets": [
    {
      "target_name": "ferry_io",
      "conditions": [
        ["OS=='linux'", {
          "sources": ["native/ferry_io.c", "native/ferry_listen.c", "native/ferry_beneath.c"],
          "cflags": ["-O2", "-Wall", "-Wextra", "-std=gnu11"]
        }, {
          "type": "none"
        }]
      ]
    }
  ]
}
